package dev.litefs.spring.test.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class on a real LiteFS cluster ({@link LiteFsCluster}) on loopback,
 * started once before its first test and stopped (mounts lifted) after its last. The
 * test gets the cluster as a parameter of its constructor, of its {@code @BeforeAll},
 * {@code @BeforeEach} and test methods:
 * <pre class="code">
 * &#64;LiteFsClusterTest(hostnames = { "node-a", "node-b" })
 * class ReplicationTests {
 *
 *     &#64;Test
 *     void replicates(LiteFsCluster cluster) { ... }
 * }
 * </pre>
 * It is a {@link RealLiteFs} test: skipped, saying why, where LiteFS or FUSE is missing;
 * failed in CI where it should have been installed.
 *
 * @since 0.2.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@RealLiteFs
@ExtendWith(LiteFsClusterExtension.class)
public @interface LiteFsClusterTest {

	/**
	 * The nodes' LiteFS hostnames, in order; {@code 127.0.0.1} as a primary's makes
	 * {@code {primary}} in a URL template resolve on loopback.
	 * @return the hostnames
	 */
	String[] hostnames() default { "node-a", "node-b" };

	/**
	 * The index of the node the static lease names as primary.
	 * @return the index in {@link #hostnames()}
	 */
	int primary() default 0;

}
