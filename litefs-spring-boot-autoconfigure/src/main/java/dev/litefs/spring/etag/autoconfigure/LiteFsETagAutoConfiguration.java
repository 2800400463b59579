package dev.litefs.spring.etag.autoconfigure;

import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.etag.TxidETag;
import dev.litefs.spring.etag.TxidETagInterceptor;
import dev.litefs.spring.internal.AnnotatedClassFilter;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of TXID ETags: conditional GETs of {@code @TxidETag} handlers and
 * of {@code litefs.etag.paths} answered {@code 304} while the database's TXID stays.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { LiteFsNodeAutoConfiguration.class, LiteFsConsistencyAutoConfiguration.class })
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@EnableConfigurationProperties(LiteFsETagProperties.class)
public final class LiteFsETagAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsETagAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	TxidETagInterceptor txidETagInterceptor(LiteFsNode node, LiteFsETagProperties etag) {
		return new TxidETagInterceptor(node, new RequestPathPatterns(etag.getPaths()), etag.getVary());
	}

	/**
	 * Adds the interceptor to Spring MVC only when something uses it: a path in
	 * {@code litefs.etag.paths} or a controller with a {@code @TxidETag} handler; else a
	 * GET pays nothing for it. Replaceable by name, as a configurer of Spring MVC has no
	 * type of its own.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "txidETagWebMvcConfigurer")
	WebMvcConfigurer txidETagWebMvcConfigurer(TxidETagInterceptor interceptor, LiteFsETagProperties etag,
			ListableBeanFactory beans) {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				if (!etag.getPaths().isEmpty() || anyMarkedController(beans)) {
					registry.addInterceptor(interceptor);
				}
				else {
					logger.debug("No @TxidETag handler and no litefs.etag.paths: TXID ETags are not added");
				}
			}

		};
	}

	/** Whether a controller bean carries {@code @TxidETag}, on its type or a method. */
	private static boolean anyMarkedController(ListableBeanFactory beans) {
		AnnotatedClassFilter marked = new AnnotatedClassFilter(TxidETag.class);
		for (String name : beans.getBeanNamesForAnnotation(Controller.class)) {
			Class<?> type = beans.getType(name, false);
			if (type != null && marked.matches(ClassUtils.getUserClass(type))) {
				return true;
			}
		}
		return false;
	}

}
