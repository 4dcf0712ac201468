package org.pepsal.proxy.rules;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One external command: its argument vector and, for {@code nft -f -}, what goes to its standard input. */
public record Command(List<String> argv, String stdin) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), null);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null);
    }

    /** The command as a shell line that can be copied and run; standard input becomes a here-document. */
    public String toShell() {
        String line = argv.stream().map(Command::quote).collect(Collectors.joining(" "));
        if (stdin == null) {
            return line;
        }
        return line + " <<'EOF'\n" + (stdin.endsWith("\n") ? stdin : stdin + "\n") + "EOF";
    }

    static String quote(String word) {
        if (SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return toShell();
    }
}
