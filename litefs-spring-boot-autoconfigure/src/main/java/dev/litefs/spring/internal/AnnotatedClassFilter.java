package dev.litefs.spring.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.aop.ClassFilter;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * Matches the classes that carry an annotation anywhere a method-level pointcut could
 * find it: on the class, a superclass or an interface, or on a method declared by any of
 * them (directly or as a meta-annotation). Each class is examined once; a class without
 * it, most beans of an application, is then rejected before its methods are matched one
 * by one, which for an annotation searched through the type hierarchy costs a search per
 * method and per supertype at every start-up.
 *
 * @since 0.2.0
 */
public final class AnnotatedClassFilter implements ClassFilter {

	private final Class<? extends Annotation> annotation;

	private final Map<Class<?>, Boolean> seen = new ConcurrentReferenceHashMap<>();

	/**
	 * Creates a filter.
	 * @param annotation the annotation to look for
	 */
	public AnnotatedClassFilter(Class<? extends Annotation> annotation) {
		this.annotation = annotation;
	}

	@Override
	public boolean matches(Class<?> type) {
		return this.seen.computeIfAbsent(type, this::carries);
	}

	private boolean carries(Class<?> type) {
		if (MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(this.annotation)) {
			return true;
		}
		Set<Class<?>> types = new LinkedHashSet<>();
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			types.add(current);
		}
		types.addAll(ClassUtils.getAllInterfacesForClassAsSet(type));
		for (Class<?> candidate : types) {
			for (Method method : ReflectionUtils.getDeclaredMethods(candidate)) {
				// most methods have no annotation: the JDK answers that without Spring's search
				if (method.getDeclaredAnnotations().length > 0
						&& MergedAnnotations.from(method, SearchStrategy.DIRECT).isPresent(this.annotation)) {
					return true;
				}
			}
		}
		return false;
	}

}
