package dev.litefs.spring;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import dev.litefs.spring.node.LiteFsNode;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what the starter promises: the public types of each package, and the direction
 * of the dependencies between packages. A change here is a change of the API, to be made
 * on purpose (and told in CHANGELOG.md).
 */
class PublicApiTests {

	/** The starter's own classes: this module's main output, without the tests or the test kit. */
	static final JavaClasses CLASSES = new ClassFileImporter().importLocations(
			Set.of(Location.of(LiteFsNode.class.getProtectionDomain().getCodeSource().getLocation())));

	static final Map<String, Set<String>> PUBLIC_TYPES = new TreeMap<>(Map.ofEntries(
			types("actuate", "ConsistencyEndpointContributor", "FlywayEndpointContributor", "LiteFsEndpoint",
					"LiteFsEndpointContributor", "LiteFsHealthIndicator", "LiteFsInfoContributor", "LiteFsMetrics",
					"LiteFsReadinessGroupPostProcessor", "RoutingEndpointContributor"),
			types("actuate.autoconfigure", "LiteFsActuatorAutoConfiguration", "LiteFsHealthProperties"),
			types("cache", "DatabaseCommits", "TxidCache", "TxidCacheManager"),
			types("cache.autoconfigure", "LiteFsCacheAutoConfiguration", "LiteFsCacheProperties"),
			types("consistency", "ConsistencyFilter", "ConsistencyFilter.Settings",
					"TimeoutAction", "TxidCookie", "WaitOutcome"),
			types("consistency.autoconfigure", "LiteFsConsistencyAutoConfiguration",
					"LiteFsConsistencyProperties"),
			types("etag", "TxidETag", "TxidETagInterceptor"),
			types("etag.autoconfigure", "LiteFsETagAutoConfiguration", "LiteFsETagProperties"),
			types("schema", "LiteFsFlywayMigrationStrategy", "LiteFsHibernateSchema", "LiteFsLiquibase",
					"LiteFsScriptDatabaseInitializer", "MigrationRun",
					"MigrationRun.Outcome",
					"MigrationRun.Trigger", "ReplicaMode", "ReplicaSchemaTimeoutException"),
			types("schema.autoconfigure", "LiteFsFlywayAutoConfiguration", "LiteFsFlywayProperties",
					"LiteFsHibernateSchemaAutoConfiguration", "LiteFsLiquibaseAutoConfiguration", "LiteFsSchemaProperties", "LiteFsSqlInitAutoConfiguration"),
			types("halt", "HaltedBlock", "LiteFsHalt", "LiteFsHaltException", "LiteFsHaltException.Reason"),
			types("halt.autoconfigure", "LiteFsHaltAutoConfiguration", "LiteFsHaltProperties"),
			// not API: shared by more than one feature
			types("internal", "AnnotatedClassFilter", "CauseChain", "PrimaryRequests", "ProblemResponses",
					"RequestPathPatterns", "SessionStoreWrites", "SqliteFaults", "SqliteFiles"),
			types("jdbc", "BrokenMountEviction", "DatabaseWrites",
					"DatabaseWrites.Scope", "PoolEvictionOnRecovery", "UnavailableDatabaseGuard",
					"VirtualThreadCarriersCheck"),
			types("jdbc.autoconfigure", "LiteFsDataSourceEnvironmentPostProcessor",
					"LiteFsJdbcAutoConfiguration"),
			types("node", "EventStreamStatus", "Hostnames", "LiteFsApi", "LiteFsFileException", "LiteFsInfo",
					"LiteFsMount", "LiteFsNode", "LiteFsRoleChangedEvent", "LiteFsScheduler", "MountDirException",
					"NodeRole", "NodeState", "Position", "WriteHold"),
			types("node.autoconfigure", "ConditionalOnLiteFsEnabled", "LiteFsNodeAutoConfiguration",
					"LiteFsProperties"),
			types("primary", "PrimaryBound", "PrimaryBoundLifecycles", "PrimaryBoundLifecycles.StartGate",
					"PrimaryOnly", "PrimaryOnlyMethodInterceptor"),
			types("primary.autoconfigure", "LiteFsPrimaryAutoConfiguration"),
			// a RoutingStrategy of the application's own is given a RoutedRequest, may keep
			// the body, build a URL from a template and forward with the starter's forwarder
			types("routing", "DatabaseFaultExceptionResolver", "DatabaseLossMark", "EnsurePrimary", "EnsurePrimaryMethodInterceptor",
					"FlyReplayFallback", "FlyReplayStrategy", "ForwardStrategy", "HaltFailureExceptionResolver",
					"NotPrimaryException", "NotPrimaryExceptionResolver", "PrimaryRouter", "PrimaryRoutingFilter",
					"PrimaryUrlTemplate", "ProblemErrorAttributes", "RedirectStrategy", "RejectStrategy",
					"RoutedRequest", "RoutingOutcome", "RoutingStrategy", "UnusableUrlTemplateException"),
			types("routing.autoconfigure", "LiteFsRoutingAutoConfiguration", "LiteFsRoutingProperties",
					"LiteFsRoutingProperties.FlyReplay", "LiteFsRoutingProperties.Forward",
					"LiteFsRoutingProperties.Redirect"),
			types("routing.forward", "ForwardResult", "ForwardingClient", "KeptBody", "KeptBody.Kind",
					"PrimaryForwarder", "PrimaryForwarder.AnswerCutShortException", "PrimaryForwarderCustomizer"),
			types("session", "ContainerSessionsWarning", "LastAccessWrites", "LiteFsSessionRepository",
					"LiteFsSessionRepository.LiteFsSession", "SessionWriteFilter"),
			types("session.autoconfigure", "LiteFsSessionAutoConfiguration", "LiteFsSessionProperties")));

	@Test
	void eachPackageHasExactlyItsPublicTypes() {
		assertThat(publicTypes(CLASSES)).isEqualTo(PUBLIC_TYPES);
	}

	@Test
	void noPackageCycles() {
		noPackageCycles.check(CLASSES);
	}

	@Test
	void featureCodeNeverUsesAutoConfiguration() {
		featureCodeNeverUsesAutoConfiguration.check(CLASSES);
	}

	@Test
	void featuresNeverUseActuate() {
		featuresNeverUseActuate.check(CLASSES);
	}

	@Test
	void theNodeUsesNothingElseOfTheStarter() {
		theNodeUsesNothingElseOfTheStarter.check(CLASSES);
	}

	/** Each package is a slice: no package of the starter reaches back to one that uses it. */
	static final ArchRule noPackageCycles = slices().matching("dev.litefs.spring.(**)")
		.should()
		.beFreeOfCycles()
		.because("a feature's packages depend one way, as DESIGN.md draws them");

	static final ArchRule featureCodeNeverUsesAutoConfiguration = noClasses().that()
		.resideInAPackage("dev.litefs.spring..")
		.and()
		.resideOutsideOfPackage("..autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.litefs.spring..autoconfigure..")
		.because("a feature's runtime types are given plain values; its configuration is configured around it, "
				+ "as Spring Boot keeps FlywayProperties beside FlywayAutoConfiguration");

	static final ArchRule featuresNeverUseActuate = noClasses().that()
		.resideInAPackage("dev.litefs.spring..")
		.and()
		.resideOutsideOfPackage("dev.litefs.spring.actuate..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.litefs.spring.actuate..")
		.because("Actuator reads the features, never the other way");

	static final ArchRule theNodeUsesNothingElseOfTheStarter = noClasses().that()
		.resideInAPackage("dev.litefs.spring.node..")
		.should()
		.dependOnClassesThat(resideInAPackage("dev.litefs.spring..").and(resideOutsideOfPackage("dev.litefs.spring.node..")))
		.because("every feature may use the node, and the node none of them");

	private static Map.Entry<String, Set<String>> types(String pkg, String... names) {
		return Map.entry(pkg, new TreeSet<>(List.of(names)));
	}

	/**
	 * The types a user can name, by package under {@code dev.litefs.spring}: public, and
	 * nested only in public types.
	 */
	static Map<String, Set<String>> publicTypes(JavaClasses classes) {
		Map<String, Set<String>> types = new TreeMap<>();
		for (JavaClass type : classes) {
			if (!type.isAnonymousClass() && !type.isLocalClass() && isVisible(type)
					&& !type.getSimpleName().equals("package-info")) {
				String pkg = type.getPackageName().substring("dev.litefs.spring.".length());
				String name = type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
				types.computeIfAbsent(pkg, (key) -> new TreeSet<>()).add(name);
			}
		}
		return types;
	}

	private static boolean isVisible(JavaClass type) {
		return type.getModifiers().contains(JavaModifier.PUBLIC)
				&& type.getEnclosingClass().map(PublicApiTests::isVisible).orElse(true);
	}

}
