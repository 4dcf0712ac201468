package org.pepsal.testbed.bench;

import java.util.List;

/** How one soak check went: passed or not, and the figures it printed. */
record SoakOutcome(String check, boolean passed, List<String> figures) {
}
