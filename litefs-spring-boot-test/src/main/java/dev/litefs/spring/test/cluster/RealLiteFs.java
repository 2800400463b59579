package dev.litefs.spring.test.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that runs on real LiteFS ({@link LiteFsCluster}), tagged
 * {@code real-litefs}. Where LiteFS or FUSE is missing it is skipped with one line
 * saying why and how to enable it; in CI ({@code CI=true}) a missing {@code litefs}
 * binary on a machine that has Go fails it instead, since {@code scripts/install-litefs.sh}
 * should have built one. Each run of a marked test is listed in
 * {@code target/real-litefs-tests/}, so a build can say how many ran.
 *
 * @see RealLiteFsCondition
 *
 * @since 0.2.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("real-litefs")
@ExtendWith(RealLiteFsCondition.class)
public @interface RealLiteFs {

}
