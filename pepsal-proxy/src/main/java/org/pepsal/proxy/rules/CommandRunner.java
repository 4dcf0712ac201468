package org.pepsal.proxy.rules;

/** Runs external commands (iptables, nft, ip); a fake in tests. */
public interface CommandRunner {
    /** What a command did. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The error output, or the standard output when the command wrote its complaint there. */
        public String message() {
            String text = stderr.isBlank() ? stdout : stderr;
            return text.strip();
        }
    }

    Result run(Command command);

    /** Whether a program is on the PATH. */
    boolean exists(String program);
}
