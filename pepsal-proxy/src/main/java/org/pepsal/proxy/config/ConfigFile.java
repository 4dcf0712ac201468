package org.pepsal.proxy.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration file: Java properties whose keys are the long option names without the dashes
 * ({@code port = 5000}, {@code conns = 4096}, {@code iface = eth1,eth2}, {@code splice = true}). Its values
 * replace the built-in defaults; options on the command line replace both. The proxy and the {@code rules}
 * commands read the same file, so they agree on the port. Unknown keys are an error, so a typo does not pass
 * silently.
 */
public final class ConfigFile implements CommandLine.IDefaultValueProvider {
    /** The option that names the file, and the environment variable that may name it instead. */
    public static final String OPTION = "--config";
    public static final String ENVIRONMENT = "PEPSAL_CONFIG";

    private final Path file;
    private final Properties properties;

    private ConfigFile(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    public static ConfigFile load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage());
        }
        return new ConfigFile(file, properties);
    }

    /**
     * The file named by {@code --config FILE} / {@code --config=FILE} anywhere on the command line, else by
     * {@code $PEPSAL_CONFIG}; null when neither names one. (The default provider is consulted before the command
     * line is parsed, so the option is looked for here first.)
     */
    public static Path locate(String[] args, String environmentValue) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(OPTION + "=")) {
                return Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        return environmentValue == null || environmentValue.isBlank() ? null : Path.of(environmentValue);
    }

    /** The key of an option: its longest name without the leading dashes. */
    public static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String value = properties.getProperty(key(option));
            return value == null ? null : value.strip();
        }
        return null;
    }

    /** Throws when the file has a key that no command of this tree knows. */
    public void validate(CommandSpec root) {
        Set<String> known = new TreeSet<>();
        collect(root, known);
        Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key(s) " + unknown + " in the config file " + file
                    + "; the keys are the long option names without dashes: " + known);
        }
    }

    private static void collect(CommandSpec spec, Set<String> keys) {
        for (OptionSpec option : spec.options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals(OPTION)) {
                keys.add(key(option));
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), keys));
    }

    public Path file() {
        return file;
    }
}
