package dev.litefs.spring.test.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;

/**
 * The fake mount of an {@link AutoConfigureLiteFs} test, as a bean of its context: each
 * change writes LiteFS's files, then makes the application's {@link LiteFsNode} read
 * them again at once ({@link LiteFsNode#refresh()}), so the very next request sees the
 * new role, TXID or lag without waiting for {@code litefs.poll-interval}. A role change
 * publishes its {@code LiteFsRoleChangedEvent} on the test's thread before the method
 * returns.
 *
 * @since 0.2.0
 */
public final class LiteFsTestMount {

	private static final Duration HELD_WAIT = Duration.ofSeconds(5);

	private static final Duration PROMOTION_WAIT = Duration.ofSeconds(10);

	private final MountSettings settings;

	private final Path dir;

	private final BeanFactory beans;

	private volatile FakeLiteFsMount fake;

	LiteFsTestMount(MountSettings settings, Path dir, BeanFactory beans) {
		this.settings = settings;
		this.dir = dir;
		this.beans = beans;
		this.fake = settings.apply(dir);
	}

	/**
	 * Makes this node the primary (no {@code .primary}, lag zero), and returns once it
	 * takes writes: a promoted node holds them until its schema is migrated (with Flyway),
	 * which this waits for, up to 10 s. To see the hold itself, change the files with
	 * {@code change(FakeLiteFsMount::becomePrimary)}.
	 * @return this mount
	 * @throws AssertionError when the node still holds writes after 10 s
	 */
	public LiteFsTestMount becomePrimary() {
		change(FakeLiteFsMount::becomePrimary);
		LiteFsNode node = this.beans.getBeanProvider(LiteFsNode.class).getIfAvailable();
		if (node != null) {
			awaitUntil(PROMOTION_WAIT, () -> node.state().isPrimary(),
					() -> "Expected " + node.hostname() + " to take writes once primary, but it still holds them: "
							+ node.state().writeHold());
		}
		return this;
	}

	/**
	 * Makes this node a replica of another.
	 * @param primary the primary's hostname
	 * @return this mount
	 */
	public LiteFsTestMount becomeReplicaOf(String primary) {
		return change((mount) -> mount.becomeReplicaOf(primary));
	}

	/**
	 * Makes this node a replica connected to no primary.
	 * @return this mount
	 */
	public LiteFsTestMount loseConnection() {
		return change(FakeLiteFsMount::loseConnection);
	}

	/**
	 * Sets the database's TXID, as replication (or a write on the primary) does.
	 * @param txid the TXID
	 * @return this mount
	 */
	public LiteFsTestMount txid(long txid) {
		return change((mount) -> mount.txid(txid));
	}

	/**
	 * Sets the replication lag.
	 * @param lag the lag
	 * @return this mount
	 */
	public LiteFsTestMount lag(Duration lag) {
		return change((mount) -> mount.lag(lag));
	}

	/**
	 * Any other change of the files, e.g. {@code mount.change((m) -> m.write(".primary", "127.0"))}.
	 * @param change what to do to the files
	 * @return this mount
	 */
	public LiteFsTestMount change(UnaryOperator<FakeLiteFsMount> change) {
		change.apply(this.fake);
		refresh();
		return this;
	}

	/**
	 * What the node reads now, after it has read the files again.
	 * @return its state, or {@code null} when the context has no {@link LiteFsNode}
	 */
	public @Nullable NodeState refresh() {
		LiteFsNode node = this.beans.getBeanProvider(LiteFsNode.class).getIfAvailable();
		return (node != null) ? node.refresh() : null;
	}

	/**
	 * Waits until requests are held for their {@code __txid} (a replica behind the client's
	 * last write), so that a test can let replication arrive while they wait.
	 * @param count how many held requests to wait for
	 * @return this mount
	 * @throws AssertionError when fewer are held within 5 s
	 */
	public LiteFsTestMount awaitHeldRequests(int count) {
		awaitHeld(this.beans.getBean(LiteFsNode.class), count);
		return this;
	}

	static void awaitHeld(LiteFsNode node, int count) {
		awaitUntil(HELD_WAIT, () -> node.waiting() >= count, () -> "Expected " + count
				+ " request(s) held for their __txid within " + HELD_WAIT + ", but " + node.waiting() + " are");
	}

	private static void awaitUntil(Duration timeout, BooleanSupplier done, Supplier<String> failure) {
		if (!Awaits.until(timeout, done)) {
			throw new AssertionError(failure.get());
		}
	}

	/** Puts the files back in the state the annotation describes. */
	void reset() {
		this.fake = this.settings.apply(this.dir);
		refresh();
	}

	/**
	 * The fake mount itself, to write its files without telling the node (it reads them
	 * within {@code litefs.poll-interval}).
	 * @return the fake mount
	 */
	public FakeLiteFsMount fake() {
		return this.fake;
	}

	/**
	 * The mount's folder ({@code litefs.mount-dir}).
	 * @return the folder
	 */
	public Path dir() {
		return this.dir;
	}

	/**
	 * The database file in the mount, e.g. for a {@code jdbc:sqlite:} URL.
	 * @return the database file
	 */
	public Path database() {
		return this.dir.resolve(this.fake.database());
	}

	/**
	 * This node's LiteFS hostname ({@code litefs.hostname}).
	 * @return the hostname
	 */
	public String hostname() {
		return this.settings.hostname();
	}

	@Override
	public String toString() {
		return "fake LiteFS mount of " + this.settings.hostname() + " in " + this.dir;
	}

}
