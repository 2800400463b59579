package dev.litefs.spring.jdbc;

import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * and stays of its class for whoever casts it:
 * <ul>
 * <li>a plain {@code HikariDataSource} not yet started (Spring Boot's pool, or one of the
 * application's own) is replaced by a {@link GuardedHikariDataSource} holding the same
 * settings, and closed with the bean;</li>
 * <li>any other is proxied, as Spring proxies a bean for {@code @Transactional}: a
 * subclass proxy (an interface proxy for a final class).</li>
 * </ul>
 * On a node that takes no writes (a replica), a connection to a SQLite file that does not
 * exist yet is refused too, with a {@link DatabaseNotReplicatedException}: the database has
 * not replicated to this node, and SQLite would create an empty file in its place. Over
 * HTTP it is answered {@code 503 Database not replicated yet}.
 * <p>
 * Only {@code getConnection} is checked; while the database is available, and once its
 * file has been seen, it costs two volatile reads more.
 */
public class UnavailableDatabaseGuard implements DestructionAwareBeanPostProcessor {

	private static final boolean HIKARI_PRESENT = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			UnavailableDatabaseGuard.class.getClassLoader());

	private final ObjectProvider<LiteFsNode> node;

	/** The guarded copies of Hikari pools, by the bean each replaced, to close with it. */
	private final Map<Object, AutoCloseable> copies = new ConcurrentHashMap<>();

	/**
	 * Creates the guard.
	 * @param node this node, looked up when a DataSource bean is guarded
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
		Path file = (node != null) ? fileOnTheMount((DataSource) bean, node) : null;
		if (file == null) {
			return bean;
		}
		node.mount().databaseName(SqliteFiles.file((DataSource) bean)).ifPresent(node::addDatabase);
		DatabaseFileCheck fileCheck = new DatabaseFileCheck(file);
		if (HIKARI_PRESENT) {
			GuardedHikariDataSource copy = GuardedHikariDataSource.copyOf((DataSource) bean, node, fileCheck);
			if (copy != null) {
				this.copies.put(bean, copy);
				return copy;
			}
		}
		ProxyFactory proxy = new ProxyFactory(bean);
		proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
		proxy.addAdvice(new ConnectionCheck(node, fileCheck));
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
		return fileOnTheMount(dataSource, node) != null;
	}

	private static @Nullable Path fileOnTheMount(DataSource dataSource, LiteFsNode node) {
		Path file = SqliteFiles.file(dataSource);
		if (file == null) {
			return null;
		}
		Path absolute = file.toAbsolutePath().normalize();
		return absolute.startsWith(node.mount().dir().toAbsolutePath().normalize()) ? absolute : null;
	}

	/** Asks the node before {@code getConnection} asks the pool. */
	private record ConnectionCheck(LiteFsNode node, DatabaseFileCheck fileCheck) implements MethodInterceptor {

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (invocation.getMethod().getName().equals("getConnection")) {
				check(this.node);
				this.fileCheck.check(this.node);
			}
			return invocation.proceed();
		}

	}

}
