package org.pepsal.proxy.cli;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.socket.KeepAlive;
import org.pepsal.proxy.table.IdleTimeouts;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PepsalMainTest {
    private static ProxySettings parse(String... args) {
        PepsalMain main = new PepsalMain();
        new CommandLine(main).parseArgs(args);
        return main.settings();
    }

    @Test
    void defaultsAreTheOriginals() {
        ProxySettings settings = parse();
        assertThat(settings.port()).isEqualTo(5000);
        assertThat(settings.address()).isNull();
        assertThat(settings.maxConnections()).isEqualTo(2112);
        assertThat(settings.gcInterval()).isEqualTo(Duration.ofSeconds(54000));
        assertThat(settings.pendingLifetime()).isEqualTo(Duration.ofSeconds(18000));
        assertThat(settings.tableLogInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.fastOpen()).isFalse();
        assertThat(settings.fastOpenWait()).isEqualTo(Duration.ofMillis(10));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.connsPerSource()).isEqualTo(512);
        assertThat(settings.splice()).isFalse();
        assertThat(settings.clientLeg().fixedBuffers()).isFalse();
    }

    @Test
    void originalShortOptionsAndNewPerLegOptions() {
        ProxySettings settings = parse("-p", "6000", "-a", "::1", "-c", "10", "-g", "60", "-t", "30", "-l", "/tmp/t.log",
                "-f", "--splice", "--client-cc", "bbr", "--server-cc", "cubic", "--client-sndbuf", "4194304",
                "--threads", "3");
        assertThat(settings.port()).isEqualTo(6000);
        assertThat(settings.address().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(settings.maxConnections()).isEqualTo(10);
        assertThat(settings.gcInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.pendingLifetime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.tableLog()).hasToString("/tmp/t.log");
        assertThat(settings.fastOpen()).isTrue();
        assertThat(settings.splice()).isTrue();
        assertThat(settings.clientLeg().congestionControl()).isEqualTo("bbr");
        assertThat(settings.serverLeg().congestionControl()).isEqualTo("cubic");
        assertThat(settings.clientLeg().sendBuffer()).isEqualTo(4194304);
        assertThat(settings.clientLeg().fixedBuffers()).isTrue();
        assertThat(settings.eventLoopThreads()).isEqualTo(3);
    }

    @Test
    void timeoutsDefaultLikeHaproxyTunnelsAndAllTurnOff() {
        ProxySettings defaults = parse();
        assertThat(defaults.idleTimeouts()).isEqualTo(new IdleTimeouts(Duration.ofHours(1), Duration.ofSeconds(30)));
        assertThat(defaults.deadPeers().keepAlive()).isEqualTo(new KeepAlive(120, 30, 6));
        assertThat(defaults.deadPeers().userTimeout()).isEqualTo(Duration.ofMinutes(5));

        ProxySettings off = parse("--idle-timeout", "0", "--half-close-timeout", "0", "--keepalive", "0",
                "--user-timeout", "0");
        assertThat(off.idleTimeouts()).isEqualTo(IdleTimeouts.OFF);
        assertThat(off.deadPeers().keepAlive().on()).isFalse();
        assertThat(off.deadPeers().userTimeout()).isZero();

        ProxySettings set = parse("--idle-timeout", "2.5", "--half-close-timeout", "1", "--keepalive", "7, 1, 2",
                "--user-timeout", "3");
        assertThat(set.idleTimeouts()).isEqualTo(new IdleTimeouts(Duration.ofMillis(2500), Duration.ofSeconds(1)));
        assertThat(set.deadPeers().keepAlive()).isEqualTo(new KeepAlive(7, 1, 2));
        assertThat(set.deadPeers().userTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void badTimeoutsNameTheOption() {
        Run keepAlive = run("--keepalive", "60,10");
        assertThat(keepAlive.exitCode()).isEqualTo(2);
        assertThat(keepAlive.err()).contains("--keepalive must be IDLE,INTERVAL,COUNT").contains("not '60,10'");
        assertThat(run("--keepalive", "60,10,200").err()).contains("--keepalive must be").contains("COUNT 1..127");
        assertThat(run("--user-timeout", "3000000").err()).contains("--user-timeout must be 0..2147483 s");
        assertThat(run("--idle-timeout", "-1").err()).contains("--idle-timeout must be >= 0");
    }

    @Test
    void unknownOptionPrintsUsageAndExitsTwo() {
        Run run = run("--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'").contains("Usage: pepsal");
    }

    @Test
    void impossibleValueNamesTheProblemAndExitsTwo() {
        Run run = run("-p", "70000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("port must be 1..65535, not 70000");
        assertThat(run("-c", "0").err()).contains("--conns (maximum connections) must be >= 1, not 0");
        assertThat(run("--connect-timeout", "-1").err()).contains("--connect-timeout must be >= 0");
    }

    @Test
    void valuesThatWouldOverflowOrRoundToZeroLaterAreRefusedAtOnce() {
        // Netty's connect timeout is an int of milliseconds: 30 days would wrap to a negative number.
        Run tooLong = run("--connect-timeout", "2592000");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--connect-timeout must be 0..2147483 s, not 2592000 s");
        assertThat(parse("--connect-timeout", "2147483").connectTimeout()).isEqualTo(Duration.ofSeconds(2147483));
        // The table log is scheduled in milliseconds: 0.5 ms would be a period of 0 once it starts.
        assertThat(run("--log-interval", "0.0005").err()).contains("--log-interval must be at least 0.001 s");
        assertThat(parse("--log-interval", "0.001").tableLogInterval()).isEqualTo(Duration.ofMillis(1));
        assertThat(run("--drain-timeout", "1e300").err()).contains("--drain-timeout is too large");
    }

    @Test
    void fastOpenWaitIsBoundedAndZeroMeansAtOnce() {
        assertThat(parse("--fastopen", "--fastopen-wait", "0").fastOpenWait()).isZero();
        assertThat(parse("--fastopen-wait", "0.002").fastOpenWait()).isEqualTo(Duration.ofMillis(2));
        Run tooLong = run("--fastopen-wait", "5");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("--fastopen-wait must be 0..1 s, not 5.0 s");
        assertThat(run("--fastopen-wait", "-0.1").err()).contains("--fastopen-wait must be >= 0");
    }

    @Test
    void metricsPortOutOfRangeNamesTheOption() {
        Run run = run("--metrics-port", "70000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--metrics-port must be 0 (off) or 1..65535, not 70000");
        assertThat(run("--metrics-port", "-1").err()).contains("--metrics-port must be 0 (off) or 1..65535, not -1");
    }

    @Test
    void nonNumericValueNamesTheOption() {
        Run run = run("--conns", "many");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--conns").contains("many");
    }

    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = PepsalMain.run(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
