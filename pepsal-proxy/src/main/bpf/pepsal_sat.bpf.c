// SPDX-License-Identifier: GPL-2.0
/*
 * pepsal_sat: a congestion control for the PEP's satellite leg, whose rate the proxy already knows.
 *
 * The proxy caps each satellite-side socket's pacing rate (SO_MAX_PACING_RATE) at its share of the link, so its
 * own traffic cannot build a queue at the bottleneck. What is left for a congestion control is to keep enough data
 * in flight to fill that share, and not to get in the way: CUBIC and Reno halve on the link's random loss, and BBR
 * v1 drains the pipe for a round trip every 10 s to measure the RTT. This one holds the window at
 *
 *     target = GAIN × share (payload bytes/s) × min RTT / MSS, at least MIN_TARGET segments,
 *
 * paces at the share through the kernel's internal pacing, and ignores loss: ssthresh keeps the window, undo
 * restores it, and after an RTO the next ACK puts the target back (the pacing still spreads it at the share).
 * Before a rate is known (no SO_MAX_PACING_RATE, or no RTT sample yet) it is Reno, through the kernel's own
 * functions: slow start from the route's initcwnd, halving on loss.
 *
 * Built with clang against a vmlinux.h generated from the running kernel; registered with
 * `bpftool struct_ops register` by scripts/satcc.sh.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

/*
 * Twice the share's BDP in flight: the pacing rate, not the window, sets the speed, so the second BDP costs no
 * queue; it covers what the window holds besides new data (segments lost but not yet marked so, a delayed ACK,
 * an RTT sample above the minimum) and a share that grows before the next ACK.
 */
#define GAIN 2
/* The initial window of RFC 6928: the least a connection ever keeps in flight. */
#define MIN_TARGET 10
#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MSEC 1000U

/*
 * The safety valve. The proxy's own senders cannot queue at the bottleneck (their pacing sums to at most the
 * link), so a smoothed RTT well above the minimum means a standing queue built by traffic the proxy does not pace
 * (another sender sharing the link, a rate below the one configured). Then the target drops to one BDP at the
 * minimum RTT, so this connection sends at most share × min RTT / sRTT: it yields in proportion to the queue
 * instead of adding to it. It trips at a queue of half the base RTT (a delay no paced sender of ours produces;
 * on GEO 300 ms) but never below 20 ms of queue, so delayed ACKs and jitter on short paths do not trip it; it lets
 * go at half of both, so it does not flap at the threshold.
 */
#define VALVE_TRIP_SHIFT 1
#define VALVE_TRIP_MIN_US (20 * USEC_PER_MSEC)
#define VALVE_RELEASE_SHIFT 2
#define VALVE_RELEASE_MIN_US (10 * USEC_PER_MSEC)

/* From include/net/tcp.h and include/net/sock.h: macros and an enum the kernel's BTF does not carry. */
#define TCP_CA_CWR 2
#define TCP_CA_RECOVERY 3
#define PACING_NONE 0
#define PACING_NEEDED 1

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

/* Per socket, in icsk_ca_priv. */
struct pepsal_sat_state {
	__u32 prior_delivered; /* tp->delivered at the previous ACK: what this one delivered, for Reno */
	__u32 valve;           /* 1 while the safety valve holds the target at one BDP */
};

static struct tcp_sock *tcp_sk(struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

static struct pepsal_sat_state *state_of(struct sock *sk)
{
	return (struct pepsal_sat_state *)((struct inet_connection_sock *)sk)->icsk_ca_priv;
}

/* The socket's share of the link in bytes/s, as the proxy's pacer set it; 0 while none is set. */
static __u64 share_of(struct sock *sk)
{
	unsigned long rate = sk->sk_max_pacing_rate;

	return rate == ~0UL ? 0 : rate;
}

static __u32 min_rtt_us(struct tcp_sock *tp)
{
	__u32 rtt = tp->rtt_min.s[0].v;

	return rtt == ~0U ? 0 : rtt;
}

/*
 * Paces at the share with the kernel's internal pacing, unless an fq qdisc already paces the socket. The share is
 * payload bytes per second, as the kernel paces and as the proxy sets SO_MAX_PACING_RATE: the proxy has already
 * taken the packets' headers off the link's rate.
 */
static void pace(struct sock *sk, __u64 share)
{
	if (sk->sk_pacing_status == PACING_NONE)
		sk->sk_pacing_status = PACING_NEEDED;
	sk->sk_pacing_rate = share;
}

/* Opens or closes the safety valve from the smoothed RTT; true while it is open. */
static int valve_open(struct tcp_sock *tp, struct pepsal_sat_state *st, __u32 min_rtt)
{
	__u32 srtt = tp->srtt_us >> 3;
	__u32 trip = min_rtt >> VALVE_TRIP_SHIFT;
	__u32 release = min_rtt >> VALVE_RELEASE_SHIFT;

	if (trip < VALVE_TRIP_MIN_US)
		trip = VALVE_TRIP_MIN_US;
	if (release < VALVE_RELEASE_MIN_US)
		release = VALVE_RELEASE_MIN_US;
	if (srtt > min_rtt + trip)
		st->valve = 1;
	else if (srtt < min_rtt + release)
		st->valve = 0;
	return st->valve;
}

/* The window target in segments, or 0 while the share or the RTT is not known yet. */
static __u32 target_of(struct sock *sk, __u64 share)
{
	struct tcp_sock *tp = tcp_sk(sk);
	__u32 min_rtt = min_rtt_us(tp);
	__u64 segments;

	if (!share || !min_rtt || !tp->mss_cache)
		return 0;
	segments = share * min_rtt / USEC_PER_SEC / tp->mss_cache;
	if (!valve_open(tp, state_of(sk), min_rtt))
		segments *= GAIN;
	if (segments < MIN_TARGET)
		segments = MIN_TARGET;
	if (segments > tp->snd_cwnd_clamp)
		segments = tp->snd_cwnd_clamp;
	return (__u32)segments;
}

SEC("struct_ops")
void BPF_PROG(pepsal_sat_init, struct sock *sk)
{
	struct pepsal_sat_state *st = state_of(sk);
	__u64 share = share_of(sk);

	st->prior_delivered = tcp_sk(sk)->delivered;
	st->valve = 0;
	if (share)
		pace(sk, share);
}

/* On every ACK, in every state (a cong_control replaces the kernel's PRR and its pacing-rate update). */
SEC("struct_ops")
void BPF_PROG(pepsal_sat_cong_control, struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct pepsal_sat_state *st = state_of(sk);
	__u32 acked = tp->delivered - st->prior_delivered;
	__u64 share = share_of(sk);
	__u32 target;
	__u8 ca_state;

	st->prior_delivered = tp->delivered;
	if (share)
		pace(sk, share);
	target = target_of(sk, share);
	if (target) {
		tp->snd_cwnd = target;
		return;
	}
	/* Reno until the link is known: the halving at once on entering a reduction, growth otherwise. */
	ca_state = ((struct inet_connection_sock *)sk)->icsk_ca_state;
	if (ca_state == TCP_CA_CWR || ca_state == TCP_CA_RECOVERY) {
		if (tp->snd_cwnd > tp->snd_ssthresh)
			tp->snd_cwnd = tp->snd_ssthresh;
		return;
	}
	tcp_reno_cong_avoid(sk, 0, acked);
}

/* Loss on a link whose rate is known is the link's own: keep the window. */
SEC("struct_ops")
__u32 BPF_PROG(pepsal_sat_ssthresh, struct sock *sk)
{
	if (target_of(sk, share_of(sk)))
		return tcp_sk(sk)->snd_cwnd;
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops")
__u32 BPF_PROG(pepsal_sat_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops pepsal_sat = {
	.init = (void *)pepsal_sat_init,
	.cong_control = (void *)pepsal_sat_cong_control,
	.ssthresh = (void *)pepsal_sat_ssthresh,
	.undo_cwnd = (void *)pepsal_sat_undo_cwnd,
	.name = "pepsal_sat",
};
