package org.pepsal.testbed;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that needs root (network namespaces, TUN devices): skipped with a reason when not root, and
 * failed instead under {@code CI=true}, where a skipped namespace test must not pass silently.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RootCondition.class)
@Tag("namespaces")
public @interface NeedsRoot {
}
