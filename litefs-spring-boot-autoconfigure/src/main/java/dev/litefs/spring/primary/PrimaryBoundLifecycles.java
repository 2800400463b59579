package dev.litefs.spring.primary;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.NameMatchMethodPointcut;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Keeps the {@link PrimaryBound} beans running exactly while this node is the primary:
 * after the context has started, on every change of role and every poll interval (a
 * promoted node's writes may be held a while after the change, until it has migrated),
 * it starts those that should run and stops those that should not, on the starter's
 * {@link LiteFsScheduler}, one check at a time, so that a slow start or stop never delays
 * the node. It stops at context close, before the context stops the beans, waiting (at
 * most 10 s) for a check under way.
 */
public class PrimaryBoundLifecycles implements ApplicationListener<ApplicationEvent>, ApplicationContextAware {

	private static final Logger logger = LoggerFactory.getLogger(PrimaryBoundLifecycles.class);

	private final LiteFsNode node;

	private final Duration interval;

	private final LiteFsScheduler scheduler;

	private final Set<String> failing = new HashSet<>();

	/** Held by the one check under way. */
	private final ReentrantLock checking = new ReentrantLock();

	/** A check was asked for since the last one began. */
	private final AtomicBoolean checkAgain = new AtomicBoolean();

	private @Nullable ApplicationContext context;

	private volatile @Nullable ScheduledFuture<?> checks;

	private volatile boolean running;

	private volatile List<String> names = List.of();

	/**
	 * Creates the keeper of a node's primary-bound beans.
	 * @param node this node
	 * @param interval how often the beans are checked besides on role changes
	 * @param scheduler where the checks run
	 */
	public PrimaryBoundLifecycles(LiteFsNode node, Duration interval, LiteFsScheduler scheduler) {
		this.node = node;
		this.interval = interval;
		this.scheduler = scheduler;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * The names of the beans kept.
	 * @return the bean names, in no particular order
	 */
	public List<String> beanNames() {
		return (this.context != null) ? List.of(this.context.getBeanNamesForAnnotation(PrimaryBound.class))
				: List.of();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof LiteFsRoleChangedEvent) {
			submit();
		}
		else if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == this.context) {
			begin();
		}
		else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context) {
			end();
		}
	}

	private synchronized void begin() {
		this.names = beanNames();
		if (this.running || this.names.isEmpty()) {
			return;
		}
		this.running = true;
		this.checks = this.scheduler.scheduleWithFixedDelay(this::check, Duration.ZERO, this.interval);
	}

	private void submit() {
		if (this.running) {
			try {
				this.scheduler.execute(this::check);
			}
			catch (RejectedExecutionException ex) {
				// closing
			}
		}
	}

	private void end() {
		ScheduledFuture<?> checks;
		synchronized (this) {
			this.running = false;
			checks = this.checks;
			this.checks = null;
		}
		if (checks == null) {
			return;
		}
		checks.cancel(false);
		try {
			// a check under way must not start a bean the context is about to stop
			if (this.checking.tryLock(10, TimeUnit.SECONDS)) {
				this.checking.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One check at a time: a check asked for while one runs is run by that one's thread
	 * once it ends, rather than holding a thread of the scheduler waiting.
	 */
	private void check() {
		this.checkAgain.set(true);
		while (this.checkAgain.get() && this.checking.tryLock()) {
			try {
				this.checkAgain.set(false);
				if (this.running) {
					reconcile();
				}
			}
			finally {
				this.checking.unlock();
			}
		}
	}

	/** Starts or stops each bean as the node's role wants, the lower phases started first. */
	void reconcile() {
		ApplicationContext context = this.context;
		if (context == null) {
			return;
		}
		boolean primary = this.node.isPrimary();
		List<String> names = new ArrayList<>(this.names);
		Comparator<String> byPhase = Comparator.comparingInt((name) -> phase(context.getBean(name)));
		names.sort(primary ? byPhase : byPhase.reversed());
		for (String name : names) {
			if (!this.running) {
				return;
			}
			Lifecycle bean = context.getBean(name, Lifecycle.class);
			try {
				if (primary && !bean.isRunning()) {
					bean.start();
					logger.info("Started {}: this node is the primary", name);
				}
				else if (!primary && bean.isRunning()) {
					bean.stop();
					logger.info("Stopped {}: this node is no longer the primary", name);
				}
				if (this.failing.remove(name)) {
					logger.info("{} is {} again, as this node's role wants", name, primary ? "running" : "stopped");
				}
			}
			catch (RuntimeException ex) {
				if (this.failing.add(name)) {
					logger.warn("Could not {} {} (tried again every {}): {}", primary ? "start" : "stop", name,
							this.interval, ex.toString());
				}
			}
		}
	}

	private static int phase(Object bean) {
		return (bean instanceof Phased phased) ? phased.getPhase() : 0;
	}

	/**
	 * Makes the {@code start()} of every {@link PrimaryBound} bean do nothing on a node
	 * that is not the primary (advice of {@link PrimaryOnly}'s kind), so that the
	 * context's own start at refresh leaves the bean stopped on a replica. The bean is
	 * proxied for it (by its interfaces when its class is final).
	 */
	public static class StartGate implements BeanPostProcessor, BeanFactoryAware {

		private final Advisor advisor;

		private @Nullable ListableBeanFactory beanFactory;

		/**
		 * Creates the gate.
		 * @param node this node, asked for on the first start
		 * @param observations where every start skipped is observed
		 */
		public StartGate(Supplier<LiteFsNode> node, Supplier<ObservationRegistry> observations) {
			NameMatchMethodPointcut start = new NameMatchMethodPointcut();
			start.addMethodName("start");
			this.advisor = new DefaultPointcutAdvisor(start, new PrimaryOnlyMethodInterceptor(node, observations));
		}

		@Override
		public void setBeanFactory(BeanFactory beanFactory) {
			this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
			if (!(bean instanceof Lifecycle) || this.beanFactory == null || !this.beanFactory.containsBeanDefinition(beanName)
					|| this.beanFactory.findAnnotationOnBean(beanName, PrimaryBound.class) == null) {
				return bean;
			}
			if (bean instanceof Advised advised && !advised.isFrozen()) {
				advised.addAdvisor(0, this.advisor);
				return bean;
			}
			ProxyFactory proxy = new ProxyFactory(bean);
			// a final class is proxied by its interfaces: the bean is then a Lifecycle, not its class
			proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
			proxy.addAdvisor(this.advisor);
			return proxy.getProxy(bean.getClass().getClassLoader());
		}

	}

}
