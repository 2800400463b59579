package dev.litefs.spring.primary;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.function.Supplier;

import dev.litefs.spring.internal.AnnotatedClassFilter;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.StaticMethodMatcher;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The advice of {@link PrimaryOnly}: the method runs when this node takes writes, and is
 * skipped otherwise. The role is read at every call.
 */
public class PrimaryOnlyMethodInterceptor implements MethodInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(PrimaryOnlyMethodInterceptor.class);

	private final Supplier<LiteFsNode> node;

	private final Supplier<ObservationRegistry> observations;

	/**
	 * Creates the advice.
	 * @param node this node, asked for on the first call (advice is created before most
	 * beans)
	 * @param observations where skipped calls are observed, asked for on the first skip
	 */
	public PrimaryOnlyMethodInterceptor(Supplier<LiteFsNode> node, Supplier<ObservationRegistry> observations) {
		this.node = SingletonSupplier.of(node);
		this.observations = SingletonSupplier.of(observations);
	}

	/**
	 * The methods the advice applies to: those annotated with {@link PrimaryOnly} (on the
	 * method, an overridden one, or an interface's), and the public methods of annotated
	 * classes but those of {@code Object}.
	 * @return the pointcut
	 */
	public static Pointcut pointcut() {
		MethodMatcher publicMethods = new StaticMethodMatcher() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return Modifier.isPublic(method.getModifiers())
						&& !ReflectionUtils.isObjectMethod(method);
			}

		};
		// most beans carry no @PrimaryOnly: their methods are then never searched one by one
		return new ComposablePointcut(AnnotationMatchingPointcut.forClassAnnotation(PrimaryOnly.class))
			.intersection(publicMethods)
			.union(new AnnotationMatchingPointcut(null, PrimaryOnly.class, true))
			.intersection(new AnnotatedClassFilter(PrimaryOnly.class));
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		NodeState state = this.node.get().state();
		if (state.isPrimary()) {
			return invocation.proceed();
		}
		Method method = invocation.getMethod();
		if (logger.isDebugEnabled()) {
			Object target = invocation.getThis();
			Class<?> type = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
			logger.debug("Skipped {}(): this node is {} ({})", ClassUtils.getQualifiedMethodName(method, type),
					state.role().id(), (state.writeHold() != null) ? "writes held: " + state.writeHold()
							: "primary " + state.primary());
		}
		observeSkip(method, state);
		return skippedResult(method.getReturnType());
	}

	/** A skip is an observation of its own, with one event: Micrometer counts the event. */
	private void observeSkip(Method method, NodeState state) {
		Observation observation = Observation.createNotStarted(PrimaryOnly.OBSERVATION, this.observations.get())
			.lowCardinalityKeyValue("method", method.getDeclaringClass().getSimpleName() + "." + method.getName())
			.lowCardinalityKeyValue("role", state.role().id())
			.start();
		observation.event(Observation.Event.of(PrimaryOnly.SKIPPED_EVENT,
				"Calls of @PrimaryOnly methods skipped because this node was not the primary"));
		observation.stop();
	}

	private static @Nullable Object skippedResult(Class<?> type) {
		if (type == Optional.class) {
			return Optional.empty();
		}
		if (type.isPrimitive() && type != void.class) {
			// the zero of the type: false, '\0', 0, 0L, 0.0 ...
			return Array.get(Array.newInstance(type, 1), 0);
		}
		return null;
	}

}
