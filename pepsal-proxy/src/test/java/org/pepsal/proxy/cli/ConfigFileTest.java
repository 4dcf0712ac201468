package org.pepsal.proxy.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.proxy.config.ConfigFile;
import org.pepsal.proxy.options.ProxySettings;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The config file sits between the built-in defaults and the command line; proxy and rules share its keys. */
class ConfigFileTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private Path config(String text) throws IOException {
        Path file = dir.resolve("pepsal.conf");
        Files.writeString(file, text);
        return file;
    }

    private PepsalMain parse(Path config, String... args) {
        PepsalMain main = new PepsalMain();
        CommandLine commandLine = new CommandLine(main);
        if (config != null) {
            ConfigFile file = ConfigFile.load(config);
            file.validate(commandLine.getCommandSpec());
            commandLine.setDefaultValueProvider(file);
        }
        commandLine.parseArgs(args);
        return main;
    }

    @Test
    void withoutAFileTheBuiltInDefaultsHold() {
        ProxySettings settings = parse(null).settings();
        assertThat(settings.port()).isEqualTo(5000);
        assertThat(settings.maxConnections()).isEqualTo(2112);
        assertThat(settings.splice()).isFalse();
    }

    @Test
    void theFileReplacesDefaultsAndTheCommandLineReplacesTheFile() throws IOException {
        Path file = config("""
                # a comment
                port = 6000
                conns = 4096
                splice = true
                client-cc = bbr
                metrics-port = 8404
                """);
        PepsalMain fromFile = parse(file);
        assertThat(fromFile.settings().port()).isEqualTo(6000);
        assertThat(fromFile.settings().maxConnections()).isEqualTo(4096);
        assertThat(fromFile.settings().splice()).isTrue();
        assertThat(fromFile.settings().clientLeg().congestionControl()).isEqualTo("bbr");
        assertThat(fromFile.metricsPort).isEqualTo(8404);

        PepsalMain overridden = parse(file, "--port", "7000", "--no-splice", "-c", "10");
        assertThat(overridden.settings().port()).isEqualTo(7000);
        assertThat(overridden.settings().splice()).isFalse();
        assertThat(overridden.settings().maxConnections()).isEqualTo(10);
        assertThat(overridden.settings().clientLeg().congestionControl()).isEqualTo("bbr");
    }

    @Test
    void theRulesCommandsReadTheSameKeys() throws IOException {
        Path file = config("port = 6000\niface = eth1,eth2\nmark = 7\nbackend = nft\nipv6 = true\n");
        PepsalMain main = new PepsalMain();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setDefaultValueProvider(ConfigFile.load(file));
        CommandLine.ParseResult parsed = commandLine.parseArgs("rules", "install", "--mark", "9");
        RulesCommand.Install install = (RulesCommand.Install) parsed.subcommand().subcommand().commandSpec()
                .userObject();
        assertThat(install.options.port).isEqualTo(6000);
        assertThat(install.options.interfaces).containsExactly("eth1", "eth2");
        assertThat(install.options.mark).isEqualTo(9);
        assertThat(install.options.backend).isEqualTo("nft");
        assertThat(install.options.ipv6).isTrue();
        assertThat(install.options.table).isEqualTo(100);
    }

    @Test
    void endToEndTheConfigOptionFeedsThePrintedCommands() throws IOException {
        Path file = config("port = 6000\niface = wan0\n");
        int code = PepsalMain.run("--config", file.toString(), "rules", "install", "--print", "--table", "123");
        assertThat(code).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("-i wan0 -p tcp --syn -m comment --comment pepsal -j TPROXY --on-port 6000")
                .contains("ip -4 rule add fwmark 1 lookup 123");
        out.reset();
        assertThat(PepsalMain.run("rules", "install", "--print", "--config=" + file, "--port", "6500")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--on-port 6500");
    }

    @Test
    void anUnknownKeyIsABadUsageThatNamesIt() throws IOException {
        Path file = config("prot = 6000\n");
        assertThat(PepsalMain.run("--config", file.toString(), "--version")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown key(s) [prot]").contains("port");
    }

    @Test
    void aMissingFileIsABadUsage() {
        assertThat(PepsalMain.run("--config", dir.resolve("nope.conf").toString(), "--version")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read the config file");
    }

    @Test
    void theFileIsFoundInTheArgumentsOrTheEnvironment() {
        assertThat(ConfigFile.locate(new String[] {"-p", "1", "--config", "/a"}, null)).isEqualTo(Path.of("/a"));
        assertThat(ConfigFile.locate(new String[] {"rules", "check", "--config=/b"}, "/c")).isEqualTo(Path.of("/b"));
        assertThat(ConfigFile.locate(new String[] {"-p", "1"}, "/c")).isEqualTo(Path.of("/c"));
        assertThat(ConfigFile.locate(new String[] {"-p", "1"}, null)).isNull();
    }

    @Test
    void rulesPrintForBothBackendsAndRemove() {
        assertThat(PepsalMain.run("rules", "install", "--print", "--iface", "eth1", "--backend", "nft")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("nft -f - <<'EOF'")
                .contains("tproxy ip to :5000");
        out.reset();
        assertThat(PepsalMain.run("rules", "remove", "--print", "--iface", "eth1")).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo("ip -4 route del local 0.0.0.0/0 dev lo table 100");
        assertThat(lines).contains("iptables -t mangle -X PEPSAL");
    }

    @Test
    void rulesWithoutAnActionOrWithABadBackendIsABadUsage() {
        assertThat(PepsalMain.run("rules")).isEqualTo(2);
        assertThat(PepsalMain.run("rules", "install", "--print", "--iface", "eth1", "--backend", "pf")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown backend 'pf'");
    }
}
