package dev.litefs.spring.consistency;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * The read-your-writes waits a node started, each as the databases its observation
 * ({@value ConsistencyFilter#OBSERVATION}) names: the ones the replica was behind in.
 */
class StartedWaits implements ObservationHandler<Observation.Context> {

	private final List<String> databases = new CopyOnWriteArrayList<>();

	@Override
	public boolean supportsContext(Observation.Context context) {
		return ConsistencyFilter.OBSERVATION.equals(context.getName());
	}

	@Override
	public void onStart(Observation.Context context) {
		KeyValue db = context.getHighCardinalityKeyValue("db");
		this.databases.add((db != null) ? db.getValue() : "");
	}

	/**
	 * The waits started so far, oldest first.
	 * @return each wait's databases, comma-separated
	 */
	List<String> databases() {
		return List.copyOf(this.databases);
	}

}
