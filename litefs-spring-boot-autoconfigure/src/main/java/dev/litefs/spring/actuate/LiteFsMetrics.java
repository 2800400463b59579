package dev.litefs.spring.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.NodeRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

/**
 * This node's LiteFS metrics:
 * <ul>
 * <li>{@code litefs.txid}: the TXID of the last transaction applied to a database, one
 * gauge per known database (tag {@code db}), registered as each becomes known;</li>
 * <li>{@code litefs.lag}: the replication lag, in the registry's base time unit
 * (seconds for Prometheus): the node's, as LiteFS has one for all its databases;</li>
 * <li>{@code litefs.primary}: 1 while this node takes writes (primary or standalone), 0
 * otherwise;</li>
 * <li>{@code litefs.role.changes}: a counter of changes of role or primary, tagged with
 * the {@code role} after the change.</li>
 * </ul>
 * The gauges read the node's latest reading, at most one poll interval old.
 */
public class LiteFsMetrics implements MeterBinder, ApplicationListener<LiteFsRoleChangedEvent> {

	private static final String ROLE_CHANGES = "litefs.role.changes";

	private final LiteFsNode node;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * Creates the metrics of a node.
	 * @param node this node
	 */
	public LiteFsMetrics(LiteFsNode node) {
		this.node = node;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		// a database learnt between the two is registered twice: the registry keeps one gauge
		this.node.addDatabaseListener((db) -> txid(registry, db));
		for (String db : this.node.databases()) {
			txid(registry, db);
		}
		TimeGauge.builder("litefs.lag", this.node, TimeUnit.MILLISECONDS, (node) -> node.state().lag().toMillis())
			.description("How far this node's database is behind the primary's")
			.register(registry);
		Gauge.builder("litefs.primary", this.node, (node) -> node.isPrimary() ? 1 : 0)
			.description("1 while this node takes writes (primary or standalone), 0 otherwise")
			.register(registry);
		for (NodeRole role : NodeRole.values()) {
			roleChanges(registry, role);
		}
		this.registries.add(registry);
	}

	@Override
	public void onApplicationEvent(LiteFsRoleChangedEvent event) {
		for (MeterRegistry registry : this.registries) {
			roleChanges(registry, event.getRole()).increment();
		}
	}

	private void txid(MeterRegistry registry, String db) {
		Gauge.builder("litefs.txid", this.node, (node) -> node.position(db).txid())
			.description("TXID of the last transaction applied to the LiteFS database")
			.tag("db", db)
			.register(registry);
	}

	private static Counter roleChanges(MeterRegistry registry, NodeRole role) {
		return Counter.builder(ROLE_CHANGES)
			.description("Changes of this node's LiteFS role or of the primary it follows, by the role after the change")
			.tag("role", role.id())
			.register(registry);
	}

}
