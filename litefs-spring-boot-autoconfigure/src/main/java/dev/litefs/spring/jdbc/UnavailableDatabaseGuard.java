package dev.litefs.spring.jdbc;

import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Fails a connection request at once while LiteFS is down or restarting under the
 * application ({@link NodeState#isDatabaseAvailable()} is false), instead of letting
 * the pool wait its whole connection timeout for a mount that is gone, and instead of
 * SQLite creating an empty database in the plain directory a stopped LiteFS leaves. The
 * {@link SQLTransientConnectionException} says why; over HTTP it is answered
 * {@code 503 Database unavailable}.
 * <p>
 * Every {@link DataSource} bean that opens a SQLite file on the mount (its JDBC URL
 * tells; another database, or one whose URL is not readable, is left alone) is proxied,
 * as Spring proxies a bean for
 * {@code @Transactional}: a subclass proxy, so that the bean stays a
 * {@code HikariDataSource} for whoever casts it (an interface proxy for a final class).
 * Only {@code getConnection} is intercepted; while the database is available it costs
 * one volatile read more.
 */
class UnavailableDatabaseGuard implements BeanPostProcessor {

	private final ObjectProvider<LiteFsNode> node;

	/**
	 * Creates the guard.
	 * @param node this node, looked up when a DataSource bean is proxied
	 */
	public UnavailableDatabaseGuard(ObjectProvider<LiteFsNode> node) {
		this.node = node;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource)) {
			return bean;
		}
		LiteFsNode node = this.node.getIfAvailable();
		if (node == null || !onTheMount((DataSource) bean, node)) {
			return bean;
		}
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
		proxy.addAdvice(new ConnectionCheck(node));
		return proxy.getProxy(bean.getClass().getClassLoader());
	}

	/** Whether a DataSource opens a SQLite file on the LiteFS mount: others are left alone. */
	private static boolean onTheMount(DataSource dataSource, LiteFsNode node) {
		Path file = SqliteFiles.file(dataSource);
		return file != null && file.toAbsolutePath().normalize().startsWith(node.mount().dir().toAbsolutePath().normalize());
	}

	/** Asks the node before {@code getConnection} asks the pool. */
	private record ConnectionCheck(LiteFsNode node) implements MethodInterceptor {

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (invocation.getMethod().getName().equals("getConnection") && !this.node.state().isDatabaseAvailable()) {
				// the latest reading may be a poll old: LiteFS may be back already
				NodeState state = this.node.refresh();
				if (!state.isDatabaseAvailable()) {
					throw new SQLTransientConnectionException("The LiteFS database of node " + state.hostname()
							+ " is unavailable: " + String.join("; ", state.problems()));
				}
			}
			return invocation.proceed();
		}

	}

}
