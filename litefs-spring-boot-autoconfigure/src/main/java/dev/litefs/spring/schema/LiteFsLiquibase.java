package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import liquibase.integration.spring.SpringLiquibase;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListener;

/**
 * Runs Spring Boot's Liquibase ({@link SpringLiquibase}) the LiteFS way, as
 * {@link LiteFsFlywayMigrationStrategy} does Flyway: the changelog is applied on the
 * primary only; a replica never runs it and, with {@code litefs.schema.replica-mode=wait},
 * waits until every change set of the changelog (its contexts and labels) is in the
 * replicated {@code DATABASECHANGELOG}, read over a read-only connection of its own,
 * then starts, or times out as it does for Flyway; a node promoted during the wait, or
 * after startup (its writes held meanwhile), applies what is pending.
 * <p>
 * Spring Boot's {@code SpringLiquibase} runs its changelog when it is initialized; the
 * auto-configuration calls {@link #migrate(SpringLiquibase)} just before, which turns the
 * bean's own run off (Liquibase then logs that it "did not run").
 *
 * @since 0.3.0
 */
public class LiteFsLiquibase implements ApplicationListener<LiteFsRoleChangedEvent>, ApplicationEventPublisherAware,
		DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsLiquibase.class);

	private final LiteFsNode node;

	private final SchemaStartup startup;

	private final PromotionMigrator promotions;

	private volatile @Nullable MigrationRun lastRun;

	/**
	 * Creates the Liquibase runner.
	 * @param node this node
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup
	 * @param scheduler where promotions migrate and a replica started without its schema
	 * watches for it
	 */
	public LiteFsLiquibase(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout,
			boolean failOnReplicaTimeout, LiteFsScheduler scheduler) {
		this.node = node;
		this.startup = new SchemaStartup(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
		this.promotions = new PromotionMigrator(node, scheduler);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.startup.publishReadinessWith(publisher);
	}

	/**
	 * Answers Spring Boot's readiness at the end of startup with {@code REFUSING_TRAFFIC}
	 * while this replica's schema is missing.
	 * @param event a change of readiness
	 */
	@EventListener
	public void onReadinessChange(AvailabilityChangeEvent<ReadinessState> event) {
		this.startup.onReadinessChange(event.getState());
	}

	/**
	 * The last run: the changelog applied on the primary, or a replica's wait for it.
	 * @return the run, or empty before Liquibase was initialized
	 */
	public Optional<MigrationRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	/**
	 * Applies the start-up policy to Spring Boot's Liquibase before it initializes, and
	 * turns its own run off.
	 * @param liquibase Spring Boot's Liquibase, not initialized yet
	 */
	public void migrate(SpringLiquibase liquibase) {
		Changelog changelog = new Changelog(liquibase);
		try {
			this.startup.run(changelog);
		}
		finally {
			liquibase.setShouldRun(false);
			// from now on promotions are the promotion migrator's; during the wait, the wait's
			this.promotions.takeOver(() -> changelog.apply(Trigger.PROMOTION));
		}
	}

	/** On a promotion after startup, the promotion migrator runs the changelog. */
	@Override
	public void onApplicationEvent(LiteFsRoleChangedEvent event) {
		this.promotions.onRoleChange(event);
	}

	@Override
	public void destroy() {
		this.promotions.stop();
		this.startup.stop();
	}

	/** The changelog as the start-up policy sees it. */
	private final class Changelog implements SchemaStartup.SchemaMeans {

		private final SpringLiquibase liquibase;

		Changelog(SpringLiquibase liquibase) {
			this.liquibase = liquibase;
		}

		@Override
		public String name() {
			return "Liquibase";
		}

		/** Runs the changelog, unless this node is no longer primary. */
		@Override
		public void apply(Trigger trigger) {
			if (!LiteFsLiquibase.this.node.state().role().acceptsWrites()) {
				return;
			}
			SchemaStartup.applyKept(this, trigger, () -> {
				try {
					this.liquibase.setShouldRun(true);
					this.liquibase.afterPropertiesSet();
				}
				finally {
					this.liquibase.setShouldRun(false);
				}
				logger.info("LiteFS primary {}: ran the Liquibase changelog {}", LiteFsLiquibase.this.node.hostname(),
						this.liquibase.getChangeLog());
				return 0;
			});
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			return LiquibaseSchemaCheck.check(this.liquibase);
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsLiquibase.this.lastRun = run;
		}

	}

}
