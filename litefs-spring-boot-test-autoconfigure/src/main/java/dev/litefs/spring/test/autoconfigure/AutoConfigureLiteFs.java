package dev.litefs.spring.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Runs a Spring test ({@code @SpringBootTest}, {@code @WebMvcTest}, ...) on a fake LiteFS
 * mount: a {@link FakeLiteFsMount} in a temporary folder, holding the files LiteFS
 * would serve for the role given here. The application sees it through
 * {@code litefs.mount-dir}, {@code litefs.hostname} and {@code litefs.database}, and
 * asks no LiteFS API ({@code litefs.api-url} points at a closed port). The folder is
 * deleted when the context closes.
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureLiteFs(role = Role.REPLICA, primary = "node-a", txid = 5, lag = "2s")
 * class OnAReplicaTests {
 *
 *     &#64;Test
 *     void failOver(LiteFsTestMount mount) {
 *         mount.becomePrimary();   // the node sees it at once
 *     }
 * }
 * </pre>
 * The test gets the {@link LiteFsTestMount} and the {@link LiteFsRecorder} as parameters
 * or by {@code @Autowired}. Before each test method the mount is put back in the state
 * this annotation describes and the recorder is emptied, so tests sharing a cached
 * context do not see each other's changes. Properties of the test itself
 * ({@code @SpringBootTest(properties = ...)}, {@code @TestPropertySource}) win over the
 * ones set here.
 * <p>
 * In a test slice such as {@code @WebMvcTest} it also imports the starter's node,
 * routing and consistency auto-configurations, as Spring Boot's {@code @AutoConfigure...}
 * annotations do for theirs.
 *
 * @since 0.2.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LiteFsParameterResolver.class)
@ImportAutoConfiguration
public @interface AutoConfigureLiteFs {

	/**
	 * The node's role.
	 * @return the role
	 */
	Role role() default Role.PRIMARY;

	/**
	 * The node's own LiteFS hostname ({@code litefs.hostname}); empty for {@code node-a} on
	 * a primary, {@code node-b} on a replica.
	 * @return the hostname
	 */
	String hostname() default "";

	/**
	 * The primary a replica names in {@code .primary}; ignored on a primary.
	 * @return the primary's hostname
	 */
	String primary() default "node-a";

	/**
	 * The database's TXID in {@code <db>-pos}.
	 * @return the TXID
	 */
	long txid() default 1;

	/**
	 * A replica's replication lag in {@code .lag}, as a Spring Boot duration ({@code 2s},
	 * {@code 150ms}); ignored on a primary, whose lag is zero.
	 * @return the lag
	 */
	String lag() default "0s";

	/**
	 * The database file name ({@code litefs.database}).
	 * @return the name
	 */
	String database() default FakeLiteFsMount.DEFAULT_DATABASE;

	/**
	 * Whether the application serves requests on virtual threads
	 * ({@code spring.threads.virtual.enabled=true}, Java 21 and later). Also {@code true}
	 * for every test of a JVM run with {@code -D}{@value ClusterApplication#VIRTUAL_THREADS}{@code =true};
	 * the test's own properties win either way.
	 * @return whether to run on virtual threads
	 */
	boolean virtualThreads() default false;

	/** The role the fake mount plays. */
	enum Role {

		/** No {@code .primary}, lag zero: this node takes writes. */
		PRIMARY,

		/** {@code .primary} names {@link AutoConfigureLiteFs#primary()}. */
		REPLICA,

		/** A replica connected to no primary: no {@code .primary}, never synced. */
		DISCONNECTED

	}

}
