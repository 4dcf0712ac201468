#!/usr/bin/env bash
# dockerd.sh start|stop|status: starts a Docker daemon for the deployment test if none answers, and stops only the
# daemon this script started (its pid is kept in /run/pepsal-dockerd.pid). The daemon runs with
# --iptables=false --ip-forward=false, so it leaves the host's netfilter rules and forwarding alone.
set -euo pipefail
PIDFILE=/run/pepsal-dockerd.pid
LOG=${PEPSAL_DOCKERD_LOG:-/tmp/pepsal-dockerd.log}
case "${1:-}" in
  start)
    if docker info >/dev/null 2>&1; then echo "dockerd.sh: a Docker daemon already answers; using it"; exit 0; fi
    command -v dockerd >/dev/null || { echo "dockerd.sh: dockerd is missing (apt-get install docker.io)" >&2; exit 2; }
    dockerd --iptables=false --ip-forward=false >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 120); do
      docker info >/dev/null 2>&1 && { echo "dockerd.sh: dockerd started (pid $(cat "$PIDFILE"))"; exit 0; }
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
      sleep 0.5
    done
    echo "dockerd.sh: dockerd did not come up; last lines of $LOG:" >&2; tail -20 "$LOG" >&2; exit 2 ;;
  stop)
    [ -f "$PIDFILE" ] || { echo "dockerd.sh: no daemon started by this script"; exit 0; }
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$PIDFILE"; echo "dockerd.sh: stopped dockerd (pid $pid)" ;;
  status)
    docker info >/dev/null 2>&1 && echo "a Docker daemon answers" || { echo "no Docker daemon answers"; exit 1; } ;;
  *) echo "usage: dockerd.sh start|stop|status" >&2; exit 2 ;;
esac
