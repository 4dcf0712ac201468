package org.pepsal.testbed;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that builds network namespaces and so needs root. Skipped with a reason when not root; under
 * {@code CI=true} not being root is a failure, never a skip.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("namespaces")
@ExtendWith(RootCondition.class)
public @interface NeedsRoot {
}
