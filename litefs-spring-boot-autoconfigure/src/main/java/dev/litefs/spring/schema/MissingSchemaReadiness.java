package dev.litefs.spring.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.Position;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Keeps a replica that started without its schema out of rotation: its readiness is
 * {@link ReadinessState#REFUSING_TRAFFIC} ({@code /actuator/health/readiness} answers
 * {@code OUT_OF_SERVICE}) from the moment Spring Boot declares the application ready
 * until the missing migrations have replicated (or a promotion applied them), then
 * {@link ReadinessState#ACCEPTING_TRAFFIC} by itself. Liveness is left alone: the node
 * is healthy, only not ready to serve. The schema is compared again on the
 * {@link LiteFsScheduler} whenever the position of its database has moved, checked every
 * poll interval. Each means and database whose schema is missing counts: traffic is
 * accepted again once all of them are complete.
 */
final class MissingSchemaReadiness {

	private static final Logger logger = LoggerFactory.getLogger(MissingSchemaReadiness.class);

	private final LiteFsNode node;

	private final LiteFsScheduler scheduler;

	private final ApplicationEventPublisher publisher;

	/** How many schemas are still missing; guarded by {@code this}. */
	private int missing;

	/** Whether Spring Boot declared the application ready; guarded by {@code this}. */
	private boolean ready;

	/** The watches of the schemas still missing; guarded by {@code this}. */
	private final List<ScheduledFuture<?>> watches = new ArrayList<>();

	MissingSchemaReadiness(LiteFsNode node, LiteFsScheduler scheduler, ApplicationEventPublisher publisher) {
		this.node = node;
		this.scheduler = scheduler;
		this.publisher = publisher;
	}

	/**
	 * Refuses traffic until {@code check} finds the schema complete, then calls
	 * {@code replicated} and accepts traffic again, once no other schema is missing.
	 * @param db the database of the schema, whose position is watched
	 * @param checked the position the schema was last compared at
	 * @param check compares the schema
	 * @param replicated told the complete result, once
	 */
	synchronized void refuseUntilComplete(String db, Position checked, Supplier<ReplicaSchemaCheck.Result> check,
			Consumer<ReplicaSchemaCheck.Result> replicated) {
		this.missing++;
		Watch watch = new Watch(db, checked, check, replicated);
		try {
			this.watches.add(this.scheduler.scheduleWithFixedDelay(watch, this.node.pollInterval(),
					this.node.pollInterval()));
		}
		catch (RejectedExecutionException ex) {
			// the context closes
		}
	}

	/**
	 * Told each readiness change: Spring Boot's own {@code ACCEPTING_TRAFFIC} at the
	 * end of startup is answered with {@code REFUSING_TRAFFIC} while the schema is
	 * missing. Published from the scheduler, so as not to run inside the publication of
	 * Spring Boot's change; should Spring Boot's record take its change after the
	 * refusal, the next watch refuses again.
	 * @param state the new readiness
	 */
	void onReadinessChange(ReadinessState state) {
		if (state != ReadinessState.ACCEPTING_TRAFFIC) {
			return;
		}
		synchronized (this) {
			this.ready = true;
			if (this.missing == 0) {
				return;
			}
		}
		try {
			this.scheduler.execute(this::refuseIfMissing);
		}
		catch (RejectedExecutionException ex) {
			// the context closes
		}
	}

	synchronized void stop() {
		for (ScheduledFuture<?> watch : this.watches) {
			watch.cancel(false);
		}
	}

	private synchronized void refuseIfMissing() {
		if (this.missing > 0) {
			logger.info("LiteFS node {}: readiness OUT_OF_SERVICE until the missing migrations have replicated",
					this.node.hostname());
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	/**
	 * Refuses traffic again where Spring Boot's record says ready while a schema is
	 * missing: the refusal is published from the scheduler while Spring Boot's own
	 * {@code ACCEPTING_TRAFFIC} may still be on its way to that record, and the later of
	 * the two wins there. Asked at every watch, so a refusal overtaken is made again
	 * within a poll interval.
	 */
	private synchronized void refuseAgainIfOvertaken() {
		if (this.missing == 0 || !this.ready) {
			return;
		}
		ApplicationAvailability availability = availability();
		if (availability != null && availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
			logger.debug("LiteFS node {}: readiness was recorded ready while a schema is missing: refusing again",
					this.node.hostname());
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	/** Spring Boot's record of the application's availability, where the publisher is the context. */
	private @Nullable ApplicationAvailability availability() {
		return (this.publisher instanceof BeanFactory beans)
				? beans.getBeanProvider(ApplicationAvailability.class).getIfAvailable() : null;
	}

	private synchronized void complete() {
		this.missing--;
		if (this.missing == 0) {
			stop();
		}
		if (this.missing == 0 && this.ready) {
			logger.info("LiteFS node {}: the schema is complete; readiness UP", this.node.hostname());
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	/** One look at the schema, when the position has moved since the last. */
	private final class Watch implements Runnable {

		private final String db;

		private final Supplier<ReplicaSchemaCheck.Result> check;

		private final Consumer<ReplicaSchemaCheck.Result> replicated;

		private Position checked;

		private boolean done;

		Watch(String db, Position checked, Supplier<ReplicaSchemaCheck.Result> check,
				Consumer<ReplicaSchemaCheck.Result> replicated) {
			this.db = db;
			this.checked = checked;
			this.check = check;
			this.replicated = replicated;
		}

		@Override
		public void run() {
			refuseAgainIfOvertaken();
			Position position = MissingSchemaReadiness.this.node.position(this.db);
			if (this.done || position.equals(this.checked)) {
				return;
			}
			this.checked = position;
			ReplicaSchemaCheck.Result result = this.check.get();
			if (result.complete()) {
				this.done = true;
				this.replicated.accept(result);
				complete();
			}
		}

	}

}
