package dev.litefs.spring.jdbc;

import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Fails a connection request at once while LiteFS is down or restarting under the
 * application ({@link NodeState#isDatabaseAvailable()} is false), instead of letting
 * the pool wait its whole connection timeout for a mount that is gone, and instead of
 * SQLite creating an empty database in the plain directory a stopped LiteFS leaves. The
 * {@link SQLTransientConnectionException} says why; over HTTP it is answered
 * {@code 503 Database unavailable}.
 * <p>
 * Every {@link DataSource} bean that opens a SQLite file on the mount (its JDBC URL
 * tells; another database, or one whose URL is not readable, is left alone) is guarded,
 * its database made known to the node ({@link LiteFsNode#addDatabase}), and stays of its
 * class for whoever casts it:
 * <ul>
 * <li>a plain {@code HikariDataSource} not yet started (Spring Boot's pool, or one of the
 * application's own) is replaced by a {@link GuardedHikariDataSource} holding the same
 * settings, and closed with the bean;</li>
 * <li>any other is proxied, as Spring proxies a bean for {@code @Transactional}: a
 * subclass proxy (an interface proxy for a final class).</li>
 * </ul>
 * Only {@code getConnection} is checked; while the database is available it costs one
 * volatile read more.
 * <p>
 * Given {@link DatabaseWrites}, the same wrapping has each connection handed out
 * {@linkplain DatabaseWrites#watch watched} for the commits that write a database on the
 * mount; so is each DataSource bean that does not tell its URL (a routing DataSource
 * over per-tenant pools, whose connections are told apart one by one), proxied as above
 * when its class is not final.
 */
public class UnavailableDatabaseGuard implements DestructionAwareBeanPostProcessor {

	private static final boolean HIKARI_PRESENT = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			UnavailableDatabaseGuard.class.getClassLoader());

	private final ObjectProvider<LiteFsNode> node;

	private final Supplier<@Nullable DatabaseWrites> writes;

	/** The guarded copies of Hikari pools, by the bean each replaced, to close with it. */
	private final Map<Object, AutoCloseable> copies = new ConcurrentHashMap<>();

	/**
	 * Creates the guard.
	 * @param node this node, looked up when a DataSource bean is guarded
	 */
	public UnavailableDatabaseGuard(ObjectProvider<LiteFsNode> node) {
		this.node = node;
		this.writes = () -> null;
	}

	/**
	 * Creates the guard, which also has connections watched for writes.
	 * @param node this node, looked up when a DataSource bean is guarded
	 * @param writes the record of writes, looked up then too
	 * @since 0.3.0
	 */
	public UnavailableDatabaseGuard(ObjectProvider<LiteFsNode> node, ObjectProvider<DatabaseWrites> writes) {
		this.node = node;
		this.writes = writes::getIfAvailable;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource)) {
			return bean;
		}
		LiteFsNode node = this.node.getIfAvailable();
		if (node == null) {
			return bean;
		}
		DatabaseWrites writes = this.writes.get();
		if (!onTheMount((DataSource) bean, node)) {
			boolean unknownUrl = SqliteFiles.url((DataSource) bean) == null;
			if (writes == null || !unknownUrl || Modifier.isFinal(bean.getClass().getModifiers())) {
				return bean;
			}
			// its connections may be SQLite files on the mount: each is watched, none checked
			return proxy(bean, new ConnectionCheck(null, writes));
		}
		node.mount().databaseName(SqliteFiles.file((DataSource) bean)).ifPresent(node::addDatabase);
		if (HIKARI_PRESENT) {
			GuardedHikariDataSource copy = GuardedHikariDataSource.copyOf((DataSource) bean, node, writes);
			if (copy != null) {
				this.copies.put(bean, copy);
				return copy;
			}
		}
		return proxy(bean, new ConnectionCheck(node, writes));
	}

	private static Object proxy(Object bean, ConnectionCheck check) {
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
		proxy.addAdvice(check);
		return proxy.getProxy(bean.getClass().getClassLoader());
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		// asked of every bean: a DataSource only is hashed
		return bean instanceof DataSource && this.copies.containsKey(bean);
	}

	/** Closes the copy that replaced a bean when the bean is destroyed, in its place. */
	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		AutoCloseable copy = this.copies.remove(bean);
		if (copy != null) {
			try {
				copy.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Closing the DataSource " + beanName + " failed", ex);
			}
		}
	}

	/**
	 * Refuses a connection while the node's database is unavailable.
	 * @param node this node
	 * @throws SQLTransientConnectionException if it is, saying why
	 */
	static void check(LiteFsNode node) throws SQLTransientConnectionException {
		if (!node.state().isDatabaseAvailable()) {
			// the latest reading may be a poll old: LiteFS may be back already
			NodeState state = node.refresh();
			if (!state.isDatabaseAvailable()) {
				throw new SQLTransientConnectionException("The LiteFS database of node " + state.hostname()
						+ " is unavailable: " + String.join("; ", state.problems()));
			}
		}
	}

	/** Whether a DataSource opens a SQLite file on the LiteFS mount: others are left alone. */
	static boolean onTheMount(DataSource dataSource, LiteFsNode node) {
		Path file = SqliteFiles.file(dataSource);
		return file != null
				&& file.toAbsolutePath().normalize().startsWith(node.mount().dir().toAbsolutePath().normalize());
	}

	/**
	 * Asks the node (when given) before {@code getConnection} asks the pool, and has the
	 * connection watched for writes (when given).
	 */
	private record ConnectionCheck(@Nullable LiteFsNode node, @Nullable DatabaseWrites writes)
			implements MethodInterceptor {

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (!invocation.getMethod().getName().equals("getConnection")) {
				return invocation.proceed();
			}
			if (this.node != null) {
				check(this.node);
			}
			Object connection = invocation.proceed();
			if (this.writes != null && connection instanceof Connection borrowed) {
				this.writes.watch(borrowed);
			}
			return connection;
		}

	}

}
