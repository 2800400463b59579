package dev.litefs.spring.routing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.function.Supplier;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.internal.AnnotatedClassFilter;
import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import jakarta.servlet.http.HttpServletRequest;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The advice of {@link EnsurePrimary} on any Spring bean: on a node that is not the
 * primary, the method does not run and {@link NotPrimaryException} is thrown (inside a
 * web request, that exception is answered by the routing strategy), or, when
 * {@code litefs.halt.ensure-primary-outside-requests} is on and the call is made outside
 * any web request on a replica, the method runs under LiteFS's HALT lock
 * ({@link LiteFsHalt}); on the primary, a web request it runs in is marked as one that
 * ensured the primary.
 */
public class EnsurePrimaryMethodInterceptor implements MethodInterceptor {

	private static final boolean servletWeb = ClassUtils.isPresent(
			"org.springframework.web.context.request.RequestContextHolder", null)
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", null);

	private final Supplier<LiteFsNode> node;

	private final Supplier<Optional<LiteFsHalt>> halt;

	/**
	 * Creates the advice.
	 * @param node this node, asked for on the first call (advice is created before most
	 * beans)
	 */
	public EnsurePrimaryMethodInterceptor(Supplier<LiteFsNode> node) {
		this(node, Optional::empty);
	}

	/**
	 * Creates the advice, which on a replica runs a call made outside any web request
	 * under LiteFS's HALT lock instead of refusing it.
	 * @param node this node, asked for on the first call (advice is created before most
	 * beans)
	 * @param halt what runs such calls under the HALT lock, asked for on the first call;
	 * empty to refuse them
	 */
	public EnsurePrimaryMethodInterceptor(Supplier<LiteFsNode> node, Supplier<Optional<LiteFsHalt>> halt) {
		this.node = SingletonSupplier.of(node);
		this.halt = SingletonSupplier.of(halt);
	}

	/**
	 * The methods the advice applies to: those annotated with {@link EnsurePrimary}
	 * (on the method, an overridden one, or an interface's), and the public methods of
	 * annotated classes.
	 * @return the pointcut
	 */
	public static Pointcut pointcut() {
		return new EnsurePrimaryPointcut();
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		NodeState state = this.node.get().state();
		if (!state.isPrimary()) {
			Optional<LiteFsHalt> halt = this.halt.get();
			if (halt.isPresent() && state.role() == NodeRole.REPLICA && !(servletWeb && WebRequests.active())) {
				return halt.get().call(invocation::proceed);
			}
			Method method = invocation.getMethod();
			throw new NotPrimaryException(state.role(), state.primary(),
					ClassUtils.getQualifiedMethodName(method, targetClass(invocation)) + "()");
		}
		if (servletWeb) {
			WebRequests.markEnsured();
		}
		return invocation.proceed();
	}

	private static Class<?> targetClass(MethodInvocation invocation) {
		Object target = invocation.getThis();
		return (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
	}

	private static final class EnsurePrimaryPointcut extends StaticMethodMatcherPointcut {

		/** Most beans carry no @EnsurePrimary: their methods are then never searched one by one. */
		private final ClassFilter classFilter = new AnnotatedClassFilter(EnsurePrimary.class);

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			if (ReflectionUtils.isObjectMethod(method)) {
				return false;
			}
			Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
			return AnnotatedElementUtils.hasAnnotation(specific, EnsurePrimary.class)
					|| AnnotatedElementUtils.hasAnnotation(method, EnsurePrimary.class)
					|| (Modifier.isPublic(method.getModifiers())
							&& AnnotatedElementUtils.hasAnnotation(ClassUtils.getUserClass(targetClass),
									EnsurePrimary.class));
		}

		@Override
		public ClassFilter getClassFilter() {
			return this.classFilter;
		}

	}

	/** Kept apart so that a non-web application never loads the servlet API. */
	private static final class WebRequests {

		static boolean active() {
			return RequestContextHolder.getRequestAttributes() != null;
		}

		static void markEnsured() {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (attributes instanceof ServletRequestAttributes servlet) {
				HttpServletRequest request = servlet.getRequest();
				PrimaryRequests.markEnsured(request);
			}
		}

	}

}
