package dev.litefs.spring.consistency;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.common.KeyValue;

/**
 * Records every wait for a {@code __txid} cookie as an {@code ObservationHandler} of the
 * waits is told it: the databases waited for once it started, and once it ended, its
 * outcome too.
 */
final class WaitRecorder implements ObservationHandler<Observation.Context> {

	private final List<String> started = new CopyOnWriteArrayList<>();

	private final List<Waited> waits = new CopyOnWriteArrayList<>();

	@Override
	public boolean supportsContext(Observation.Context context) {
		return ConsistencyFilter.OBSERVATION.equals(context.getName());
	}

	@Override
	public void onStart(Observation.Context context) {
		this.started.add(databases(context));
	}

	@Override
	public void onStop(Observation.Context context) {
		this.waits.add(new Waited(databases(context),
				WaitOutcome.ofId(context.getLowCardinalityKeyValue("outcome").getValue())));
	}

	private static String databases(Observation.Context context) {
		KeyValue db = context.getHighCardinalityKeyValue("db");
		return (db != null) ? db.getValue() : "";
	}

	/** The waits started so far, ended or not, the first first: the databases of each, comma-separated. */
	List<String> started() {
		return List.copyOf(this.started);
	}

	/** The waits ended so far, the first first. */
	List<Waited> waits() {
		return this.waits;
	}

	/** The outcomes of the waits ended so far. */
	List<WaitOutcome> outcomes() {
		return this.waits.stream().map(Waited::outcome).toList();
	}

	void clear() {
		this.started.clear();
		this.waits.clear();
	}

	/** A wait: the databases waited for, comma-separated, and how it ended. */
	record Waited(String db, WaitOutcome outcome) {
	}

}
