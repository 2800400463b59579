package dev.litefs.spring.consistency;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.common.KeyValue;

/**
 * Records every wait for a {@code __txid} cookie as an {@code ObservationHandler} of the
 * waits is told it, once it ended: its outcome and the databases waited for.
 */
final class WaitRecorder implements ObservationHandler<Observation.Context> {

	private final List<Waited> waits = new CopyOnWriteArrayList<>();

	@Override
	public boolean supportsContext(Observation.Context context) {
		return ConsistencyFilter.OBSERVATION.equals(context.getName());
	}

	@Override
	public void onStop(Observation.Context context) {
		KeyValue db = context.getHighCardinalityKeyValue("db");
		this.waits.add(new Waited((db != null) ? db.getValue() : "",
				WaitOutcome.ofId(context.getLowCardinalityKeyValue("outcome").getValue())));
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
		this.waits.clear();
	}

	/** A wait: the databases waited for, comma-separated, and how it ended. */
	record Waited(String db, WaitOutcome outcome) {
	}

}
