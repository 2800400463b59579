package dev.litefs.spring.primary;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.litefs.spring.internal.AnnotatedClassFilter;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
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

	private final Supplier<List<PrimaryOnlyListener>> listeners;

	/**
	 * Creates the advice.
	 * @param node this node, asked for on the first call (advice is created before most
	 * beans)
	 * @param listeners told of every skipped call, asked for on the first skip
	 */
	public PrimaryOnlyMethodInterceptor(Supplier<LiteFsNode> node, Supplier<List<PrimaryOnlyListener>> listeners) {
		this.node = SingletonSupplier.of(node);
		this.listeners = SingletonSupplier.of(listeners);
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
		for (PrimaryOnlyListener listener : this.listeners.get()) {
			listener.skipped(method, state);
		}
		return skippedResult(method.getReturnType());
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
