package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The {@code __txid} cookie's two forms: the 16-hex one of LiteFS's proxy (the main
 * database), and entries per database; what is malformed; the bound.
 */
class TxidCookieTests {

	private static final String MAIN = "app.db";

	@Test
	void theSixteenHexFormIsTheMainDatabase() {
		assertThat(TxidCookie.parse("000000000000002a", MAIN).txids()).containsExactly(entry(MAIN, 42L));
	}

	@Test
	void aQuotedValueIsReadAsTheUnquotedOne() {
		assertThat(TxidCookie.parse("\"000000000000002a\"", MAIN).txids()).containsExactly(entry(MAIN, 42L));
		assertThat(TxidCookie.parse("\"app.db:2a|t.db:1\"", MAIN).txids()).containsExactly(entry(MAIN, 42L),
				entry("t.db", 1L));
	}

	@Test
	void entriesNameTheirDatabases() {
		TxidCookie cookie = TxidCookie.parse("app.db:2a|tenant-7.db:1f", MAIN);
		assertThat(cookie.isValid()).isTrue();
		assertThat(cookie.txids()).containsExactly(entry(MAIN, 42L), entry("tenant-7.db", 31L));
	}

	@Test
	void aDatabaseTheNodeDoesNotKnowIsReadAsAnyOther() {
		// whether this node serves it is the filter's question, not the codec's
		assertThat(TxidCookie.parse("nobody-knows.db:5", MAIN).txids()).containsExactly(entry("nobody-knows.db", 5L));
	}

	@Test
	void entriesOutOfOrderAndTxidsWithLeadingZerosOrUpperCaseAreRead() {
		assertThat(TxidCookie.parse("b.db:00A|a.db:1", MAIN).txids()).containsExactly(entry("a.db", 1L),
				entry("b.db", 10L));
	}

	@Test
	void percentEncodedNamesAreDecodedAsUtf8() {
		assertThat(TxidCookie.parse("caf%C3%A9%20n%C2%B01.db:3", MAIN).txids())
			.containsExactly(entry("café n°1.db", 3L));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "\"\"", "xyz", "000000000000002g", "00000000000002a", "app.db", "app.db:",
			":2a", "app.db:2a|", "|app.db:2a", "app.db:2a||t.db:1", "app.db:2a|app.db:2b", "app.db:xyz",
			"app.db:-1", "app.db:10000000000000000", "app.db:8000000000000000", "a b.db:1", "a/b.db:1",
			"a%2Fb.db:1", "%2E%2E:1", "a%2.db:1", "a%zz.db:1", "a%C3.db:1", "a:b:1", "\"app.db:2a" })
	void aValueThatIsNotACookieOfOursIsMalformed(String value) {
		TxidCookie cookie = TxidCookie.parse(value, MAIN);
		assertThat(cookie.isMalformed()).as(value).isTrue();
		assertThat(cookie.isValid()).isFalse();
		assertThat(cookie.txids()).isEmpty();
	}

	@Test
	void moreEntriesThanTheBoundAreMalformed() {
		assertThat(TxidCookie.parse(entries(TxidCookie.MAX_ENTRIES), MAIN).txids()).hasSize(TxidCookie.MAX_ENTRIES);
		assertThat(TxidCookie.parse(entries(TxidCookie.MAX_ENTRIES + 1), MAIN).isMalformed()).isTrue();
	}

	@Test
	void aValueLongerThanTheBoundIsMalformed() {
		String name = "d".repeat(TxidCookie.MAX_LENGTH - 2);
		assertThat(TxidCookie.parse(name + ":1", MAIN).txids()).containsOnlyKeys(name);
		assertThat(TxidCookie.parse(name + "d:1", MAIN).isMalformed()).isTrue();
	}

	@Test
	void theMainDatabaseAloneIsWrittenInTheSixteenHexForm() {
		assertThat(TxidCookie.value(Map.of(MAIN, 42L), MAIN)).isEqualTo("000000000000002a");
	}

	@Test
	void anyOtherDatabaseIsWrittenAsSortedEntries() {
		Map<String, Long> txids = new LinkedHashMap<>();
		txids.put("tenant-7.db", 31L);
		txids.put(MAIN, 42L);
		assertThat(TxidCookie.value(txids, MAIN)).isEqualTo("app.db:2a|tenant-7.db:1f");
		assertThat(TxidCookie.value(Map.of("tenant-7.db", 31L), MAIN)).isEqualTo("tenant-7.db:1f");
	}

	@Test
	void namesAreWrittenPercentEncodedAndReadBack() {
		Map<String, Long> txids = Map.of("café n°1.db", 3L, "x|y:z.db", 4L);
		String value = TxidCookie.value(txids, MAIN);
		assertThat(value).isEqualTo("caf%C3%A9%20n%C2%B01.db:3|x%7Cy%3Az.db:4");
		assertThat(TxidCookie.parse(value, MAIN).txids()).isEqualTo(txids);
	}

	@Test
	void aSetCookieIsAcceptedByTheContainerAndReadBack() {
		String header = TxidCookie.set(Map.of(MAIN, 42L, "t.db", 7L), MAIN, Duration.ofMinutes(5), false);
		assertThat(header).startsWith("__txid=app.db:2a|t.db:7; Path=/; Max-Age=300;").contains("HttpOnly");
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("Cookie", "a=b; " + header.substring(0, header.indexOf(';')) + "; c=d");
		assertThat(TxidCookie.of(request, MAIN).txids()).containsExactly(entry(MAIN, 42L), entry("t.db", 7L));
	}

	@Test
	void theRequestsWritesAreMergedWithTheOtherEntriesTakingTheGreaterTxid() {
		SortedMap<String, Long> merged = TxidCookie.merge(Map.of(MAIN, 40L, "b.db", 3L),
				Map.of(MAIN, 45L, "a.db", 9L, "b.db", 1L));
		assertThat(merged).containsExactly(entry("a.db", 9L), entry(MAIN, 45L), entry("b.db", 3L));
	}

	@Test
	void theBoundKeepsTheRequestsOwnEntriesFirst() {
		Map<String, Long> incoming = new LinkedHashMap<>();
		for (int i = 0; i < TxidCookie.MAX_ENTRIES; i++) {
			incoming.put("a" + i + ".db", 1L);
		}
		SortedMap<String, Long> merged = TxidCookie.merge(Map.of("z1.db", 5L, "z2.db", 6L), incoming);
		assertThat(merged).hasSize(TxidCookie.MAX_ENTRIES).containsEntry("z1.db", 5L).containsEntry("z2.db", 6L);
		String value = TxidCookie.value(merged, MAIN);
		assertThat(TxidCookie.parse(value, MAIN).txids()).isEqualTo(merged);
	}

	@Test
	void theBoundKeepsTheValueShort() {
		String longName = "n".repeat(400);
		SortedMap<String, Long> merged = TxidCookie.merge(Map.of(longName + "1", 1L),
				Map.of(longName + "2", 2L, longName + "3", 3L, "short.db", 4L));
		assertThat(merged).containsOnlyKeys(longName + "1", longName + "2", "short.db");
		assertThat(TxidCookie.value(merged, MAIN).length()).isLessThanOrEqualTo(TxidCookie.MAX_LENGTH);
	}

	@Test
	void anAbsentCookieIsNeitherValidNorMalformed() {
		TxidCookie cookie = TxidCookie.of(new MockHttpServletRequest(), MAIN);
		assertThat(cookie.isPresent()).isFalse();
		assertThat(cookie.isMalformed()).isFalse();
		assertThat(cookie.isValid()).isFalse();
	}

	private static String entries(int count) {
		StringBuilder value = new StringBuilder();
		for (int i = 0; i < count; i++) {
			value.append(i == 0 ? "" : "|").append("db").append(i).append(".db:").append(Integer.toHexString(i + 1));
		}
		return value.toString();
	}

}
