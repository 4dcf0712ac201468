package org.pepsal.testbed;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.pepsal.testbed.link.NetemBackend;

import java.util.Optional;

/**
 * See {@link NeedsNetem}. Without a working netem the test fails inside the VM ({@code NETEM_VM_GUEST} set:
 * the VM exists to have one) and under {@code CI=true} (where the VM run covers it, the host's run leaves the
 * tag out; a run that includes it anyway must not pass without it); elsewhere it is skipped, saying how to run it.
 */
public final class NetemCondition implements ExecutionCondition {
    /** Set by scripts/netem-vm.sh inside its VM. */
    public static final String GUEST_VARIABLE = "NETEM_VM_GUEST";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> unavailable = new NetemBackend().unavailableBecause();
        if (unavailable.isEmpty()) {
            return ConditionEvaluationResult.enabled("netem works on this kernel");
        }
        if (insideTheVm()) {
            throw new IllegalStateException("inside the netem VM, but the netem backend is unavailable: "
                    + unavailable.get());
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and this kernel cannot run " + context.getDisplayName() + " ("
                    + unavailable.get() + "): run the tests tagged " + NeedsNetem.TAG + " in the VM (scripts/netem-vm.sh,"
                    + " as scripts/test.sh does) and leave them out here (-DexcludedGroups=" + NeedsNetem.TAG + ")");
        }
        return ConditionEvaluationResult.disabled("no netem on this kernel (" + unavailable.get()
                + "); scripts/netem-vm.sh runs this test in a VM that has it");
    }

    /** Inside the VM of scripts/netem-vm.sh, where calibration's tolerances are TCG's. */
    public static boolean insideTheVm() {
        String guest = System.getenv(GUEST_VARIABLE);
        return guest != null && !guest.isEmpty();
    }
}
