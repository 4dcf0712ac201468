package org.pepsal.proxy.cli;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.config.ConfigFile;
import org.pepsal.proxy.options.DirectMemoryBudget;
import org.pepsal.proxy.options.ProxySettings;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The JVM memory flags the systemd unit and the container image run with hold what their settings let the relay queue. */
class DeployedMemoryFlagsTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern FLAGS = Pattern.compile("-Xmx\\S+ -XX:MaxDirectMemorySize=(\\d+)([kmg])");

    private static Matcher flags(Path file) throws IOException {
        Matcher flags = FLAGS.matcher(Files.readString(file));
        assertThat(flags.find()).as("memory flags in %s", file).isTrue();
        return flags;
    }

    private static long maxDirect(Matcher flags) {
        long unit = switch (flags.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            default -> 1L << 30;
        };
        return Long.parseLong(flags.group(1)) * unit;
    }

    @Test
    void theUnitsDirectMemoryHoldsWhatItsConfigLetsTheRelayQueue() throws IOException {
        PepsalMain main = new PepsalMain();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setDefaultValueProvider(ConfigFile.load(DEPLOY.resolve("systemd/pepsal.conf")));
        commandLine.parseArgs();
        ProxySettings settings = main.settings();
        long maxDirect = maxDirect(flags(DEPLOY.resolve("systemd/pepsal.service")));
        assertThatCode(() -> DirectMemoryBudget.check(settings, maxDirect)).doesNotThrowAnyException();
    }

    @Test
    void theImageRunsTheDefaultsWithTheUnitsFlags() throws IOException {
        Matcher image = flags(DEPLOY.resolve("docker/Dockerfile"));
        assertThat(image.group()).isEqualTo(flags(DEPLOY.resolve("systemd/pepsal.service")).group());
        PepsalMain main = new PepsalMain();
        new CommandLine(main).parseArgs();
        ProxySettings defaults = main.settings();
        assertThatCode(() -> DirectMemoryBudget.check(defaults, maxDirect(image))).doesNotThrowAnyException();
    }
}
