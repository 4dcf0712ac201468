package org.pepsal.proxy.cli;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.link.LinkSide;
import org.pepsal.proxy.options.ProxySettings;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SatelliteOptionsTest {
    /** A kernel without pepsal_sat registered, as on a machine where scripts/satcc.sh never ran. */
    private static final Set<String> STOCK = Set.of("reno", "cubic", "bbr");

    private static ProxySettings parse(String... args) {
        return parse(STOCK, args);
    }

    private static ProxySettings parse(Set<String> available, String... args) {
        PepsalMain main = new PepsalMain();
        main.satellite.availableCongestionControls = () -> available;
        new CommandLine(main).parseArgs(args);
        return main.settings();
    }

    @Test
    void atAGatewayTheSatelliteLegIsTheClientLeg() {
        ProxySettings settings = parse("--satellite-side", "client", "--satellite-cc", "bbr", "--ground-cc", "cubic",
                "--satellite-sndbuf", "1000000", "--ground-rcvbuf", "200000");
        assertThat(settings.clientLeg().congestionControl()).isEqualTo("bbr");
        assertThat(settings.clientLeg().sendBuffer()).isEqualTo(1_000_000);
        assertThat(settings.serverLeg().congestionControl()).isEqualTo("cubic");
        assertThat(settings.serverLeg().receiveBuffer()).isEqualTo(200_000);
        assertThat(settings.satelliteLink()).isNull();
    }

    @Test
    void atATerminalTheSatelliteLegIsTheServerLeg() {
        ProxySettings settings = parse("--satellite-side", "server", "--satellite-cc", "reno", "--ground-cc", "cubic");
        assertThat(settings.serverLeg().congestionControl()).isEqualTo("reno");
        assertThat(settings.clientLeg().congestionControl()).isEqualTo("cubic");
    }

    @Test
    void theOldLegOptionsKeepWorkingBesideTheNewOnes() {
        ProxySettings settings = parse("--satellite-side", "client", "--satellite-cc", "bbr", "--server-cc", "cubic");
        assertThat(settings.clientLeg().congestionControl()).isEqualTo("bbr");
        assertThat(settings.serverLeg().congestionControl()).isEqualTo("cubic");
        assertThat(parse("--client-cc", "reno").clientLeg().congestionControl()).isEqualTo("reno");
    }

    @Test
    void aStatedLinkMakesTheProxyLinkAwareWithBbrOnTheSatelliteLegWherePepsalSatIsNotRegistered() {
        ProxySettings gateway = parse("--satellite-side", "client", "--satellite-rate", "20Mbit/s");
        assertThat(gateway.satelliteLink().rateBitsPerSecond()).isEqualTo(20_000_000);
        assertThat(gateway.satelliteLink().rtt()).isEqualTo(Duration.ofMillis(600));
        assertThat(gateway.satelliteLink().side()).isEqualTo(LinkSide.CLIENT);
        assertThat(gateway.clientLeg().congestionControl()).isEqualTo("bbr");
        assertThat(gateway.serverLeg().congestionControl()).isNull();
        // A gateway sends downloads over the satellite; its receive side keeps autotuning.
        assertThat(gateway.clientLeg().receiveBuffer()).isZero();

        ProxySettings terminal = parse("--satellite-side", "server", "--satellite-rate", "20 Mbit/s",
                "--satellite-rtt", "500ms", "--satellite-cc", "cubic");
        assertThat(terminal.satelliteLink().rtt()).isEqualTo(Duration.ofMillis(500));
        assertThat(terminal.serverLeg().congestionControl()).isEqualTo("cubic");
        // A terminal receives downloads: three BDPs (20 Mbit/s × 500 ms = 1.25 MB).
        assertThat(terminal.serverLeg().receiveBuffer()).isEqualTo(3_750_000);
        assertThat(parse("--satellite-side", "server", "--satellite-rate", "20Mbit/s", "--satellite-rcvbuf", "0")
                .serverLeg().receiveBuffer()).isZero();
    }

    @Test
    void aStatedLinkPicksPepsalSatWhereTheKernelHasItAndNeverOverridesTheOperator() {
        Set<String> registered = Set.of("reno", "cubic", "bbr", "pepsal_sat");
        assertThat(parse(registered, "--satellite-side", "client", "--satellite-rate", "20Mbit/s").clientLeg()
                .congestionControl()).isEqualTo("pepsal_sat");
        assertThat(parse(registered, "--satellite-side", "server", "--satellite-rate", "5Mbit/s").serverLeg()
                .congestionControl()).isEqualTo("pepsal_sat");
        assertThat(parse(registered, "--satellite-side", "client", "--satellite-rate", "20Mbit/s",
                "--satellite-cc", "bbr").clientLeg().congestionControl()).isEqualTo("bbr");
        // Not link-aware: nothing is chosen for the operator.
        assertThat(parse(registered, "--satellite-side", "client").clientLeg().congestionControl()).isNull();
        // The kernel's list unreadable: BBR, as where pepsal_sat is not registered.
        assertThat(parse(Set.of(), "--satellite-side", "client", "--satellite-rate", "20Mbit/s").clientLeg()
                .congestionControl()).isEqualTo("bbr");
    }

    @Test
    void aTerminalOnAnAsymmetricLinkSizesItsReceiveBufferFromTheForwardLink() {
        ProxySettings terminal = parse("--satellite-side", "server", "--satellite-rate", "5Mbit/s",
                "--satellite-receive-rate", "20Mbit/s");
        assertThat(terminal.satelliteLink().rateBitsPerSecond()).isEqualTo(5_000_000);
        assertThat(terminal.satelliteLink().receiveRateBitsPerSecond()).isEqualTo(20_000_000);
        // Three BDPs of the 20 Mbit/s forward link at 600 ms, not of the 5 Mbit/s return link it sends over.
        assertThat(terminal.serverLeg().receiveBuffer()).isEqualTo(4_500_000);
        assertThat(parse("--satellite-side", "server", "--satellite-rate", "5Mbit/s").satelliteLink()
                .receiveRateBitsPerSecond()).isEqualTo(5_000_000);
    }

    @Test
    void oneLegNamedBothWaysIsAnErrorNamingBothOptions() {
        assertThatThrownBy(() -> parse("--satellite-side", "client", "--satellite-cc", "bbr", "--client-cc", "cubic"))
                .hasMessageContaining("--satellite-cc and --client-cc set the same leg (with --satellite-side client)");
        assertThatThrownBy(() -> parse("--satellite-side", "client", "--ground-rcvbuf", "1", "--server-rcvbuf", "2"))
                .hasMessageContaining("--ground-rcvbuf and --server-rcvbuf set the same leg (with --satellite-side client)");
    }

    @Test
    void satelliteOptionsWithoutTheSideAreAnError() {
        assertThatThrownBy(() -> parse("--satellite-cc", "bbr")).hasMessageContaining("--satellite-cc needs --satellite-side");
        assertThatThrownBy(() -> parse("--ground-sndbuf", "10")).hasMessageContaining("--ground-sndbuf needs --satellite-side");
        assertThatThrownBy(() -> parse("--satellite-rate", "20Mbit/s")).hasMessageContaining("--satellite-rate needs --satellite-side");
        assertThatThrownBy(() -> parse("--satellite-side", "client", "--satellite-rtt", "600ms"))
                .hasMessageContaining("--satellite-rtt needs --satellite-rate");
    }

    @Test
    void badValuesNameTheOptionAndExitTwo() {
        Run rate = run("--satellite-side", "client", "--satellite-rate", "20 furlongs");
        assertThat(rate.exitCode()).isEqualTo(2);
        assertThat(rate.err()).contains("--satellite-rate").contains("a rate such as 20 Mbit/s");
        assertThat(run("--satellite-side", "sky").err()).contains("--satellite-side").contains("expected client");
        assertThat(run("--satellite-side", "client", "--satellite-rate", "20Mbit/s", "--satellite-rtt", "600")
                .err()).contains("--satellite-rtt").contains("a duration with a unit");
        assertThat(run("--satellite-side", "client", "--satellite-rate", "0").err()).contains("--satellite-rate")
                .contains("positive");
        Run conflict = run("--satellite-side", "client", "--satellite-cc", "bbr", "--client-cc", "cubic");
        assertThat(conflict.exitCode()).isEqualTo(2);
        assertThat(conflict.err()).contains("--satellite-cc and --client-cc");
    }

    @Test
    void theConfigFileTakesTheSameWords() throws Exception {
        Path file = Files.createTempFile("pepsal", ".conf");
        try {
            Files.writeString(file, "satellite-side = client\nsatellite-rate = 20Mbit/s\nground-cc = cubic\n");
            PepsalMain main = new PepsalMain();
            main.satellite.availableCongestionControls = () -> STOCK;
            CommandLine commandLine = new CommandLine(main);
            org.pepsal.proxy.config.ConfigFile config = org.pepsal.proxy.config.ConfigFile.load(file);
            config.validate(commandLine.getCommandSpec());
            commandLine.setDefaultValueProvider(config);
            commandLine.parseArgs();
            ProxySettings settings = main.settings();
            assertThat(settings.satelliteLink().rateBitsPerSecond()).isEqualTo(20_000_000);
            assertThat(settings.serverLeg().congestionControl()).isEqualTo("cubic");
            assertThat(settings.clientLeg().congestionControl()).isEqualTo("bbr");
        } finally {
            Files.delete(file);
        }
    }

    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Run(PepsalMain.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
