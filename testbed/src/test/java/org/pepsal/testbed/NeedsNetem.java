package org.pepsal.testbed;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test of the netem backend live: it needs root and a kernel whose netem works (the backend's own probe
 * decides). Where the kernel has none, the test runs inside the VM of {@code scripts/netem-vm.sh}, which boots
 * one that has; {@code scripts/test.sh} leaves the tag out of the host's Maven run and runs the tagged tests
 * there (see {@link NetemCondition} for when a missing netem skips and when it fails).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@NeedsRoot
@Tag(NeedsNetem.TAG)
@ExtendWith(NetemCondition.class)
public @interface NeedsNetem {
    /** The JUnit tag: {@code -DexcludedGroups=netem} on a host without netem, {@code --include-tag netem} in the VM. */
    String TAG = "netem";
}
