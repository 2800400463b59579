package dev.litefs.spring.primary;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method, or every public method of a class, that runs only on the LiteFS
 * primary (or a standalone node): a {@code @Scheduled} job, an {@code @EventListener},
 * a message consumer, any method of a Spring bean.
 * <p>
 * On any other node (a replica, a primary whose writes are held while it migrates, a
 * node whose role is unknown) the call is skipped: the method does not run, it returns
 * {@code null} (or {@code 0}, {@code false}, {@code Optional.empty()}), a DEBUG line
 * names it, and it is observed as the {@value #OBSERVATION} observation with its
 * {@value #SKIPPED_EVENT} event (low-cardinality keys {@code method}, {@code Type.method},
 * and {@code role}, the role the node had): with Micrometer, Spring Boot counts it in the
 * {@code litefs.primary-only.skipped} counter; an {@code ObservationHandler} of the
 * application's own is told of each skip. The role is read at every call, so after a
 * fail-over the next run happens on the new primary.
 * <p>
 * It wraps {@code @Transactional} (a skipped call begins no transaction) and
 * {@code @EnsurePrimary} (a skipped call throws nothing); {@code @Async} wraps it, so the
 * role is read on the executor's thread when the method is about to run.
 *
 * @since 0.2.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface PrimaryOnly {

	/** The name of the observation of a skipped call. */
	String OBSERVATION = "litefs.primary-only";

	/** The name of the event of a skipped call: its counter is {@code litefs.primary-only.skipped}. */
	String SKIPPED_EVENT = "skipped";

}
