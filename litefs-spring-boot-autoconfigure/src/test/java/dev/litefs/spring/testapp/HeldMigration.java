package dev.litefs.spring.testapp;

import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Migration 1, {@code create table held}, which waits until the test lets it go: a
 * migration that is still running. Registered with {@code testapp.held-migration=true}.
 */
@Component
@ConditionalOnBooleanProperty("testapp.held-migration")
public class HeldMigration implements JavaMigration {

	private final CountDownLatch started = new CountDownLatch(1);

	private final CountDownLatch released = new CountDownLatch(1);

	private final AtomicInteger runs = new AtomicInteger();

	private volatile String thread;

	private volatile boolean failOnce;

	@Override
	public MigrationVersion getVersion() {
		return MigrationVersion.fromVersion("1");
	}

	@Override
	public String getDescription() {
		return "held";
	}

	@Override
	public Integer getChecksum() {
		return 1;
	}

	@Override
	public boolean canExecuteInTransaction() {
		return true;
	}

	@Override
	public void migrate(Context context) throws Exception {
		this.runs.incrementAndGet();
		this.thread = Thread.currentThread().getName();
		this.started.countDown();
		if (!this.released.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("the test never released the migration");
		}
		if (this.failOnce) {
			this.failOnce = false;
			throw new IllegalStateException("failing once, as a run meeting a connection of a vanished mount does");
		}
		try (Statement statement = context.getConnection().createStatement()) {
			statement.execute("create table held (id integer primary key)");
		}
	}

	public boolean awaitStarted() throws InterruptedException {
		return this.started.await(20, TimeUnit.SECONDS);
	}

	public void release() {
		this.released.countDown();
	}

	/** Lets the migration go, to fail this once: the next run succeeds. */
	public void releaseToFailOnce() {
		this.failOnce = true;
		this.released.countDown();
	}

	public int runs() {
		return this.runs.get();
	}

	public String thread() {
		return this.thread;
	}

}
