package dev.litefs.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * What one part of the benchmarks found: figures for the summary table, and the detail
 * behind them (Markdown) for the part's own section.
 */
final class Report {

	private final String title;

	private final List<Figure> figures = new ArrayList<>();

	private final List<String> details = new ArrayList<>();

	private boolean failed;

	Report(String title) {
		this.title = title;
	}

	/**
	 * The report of a part that failed: the failure is its only figure.
	 * @param title the part's title
	 * @param failure what went wrong
	 * @return the report
	 */
	static Report failure(String title, Exception failure) {
		String message = failure.toString().lines().findFirst().orElse("").replace('|', '/');
		Report report = new Report(title + " (failed)").figure("the part failed: " + message, "", "a result", false,
				"see the part's section")
			.detail("The part failed: `" + message.replace('`', '\'') + "`; the console output has the rest, and the logs are "
					+ "under `benchmarks/target/work/logs/`.");
		report.failed = true;
		return report;
	}

	/** A figure held against a target, which the run's other figures cannot explain if missed. */
	Report figure(String name, String measured, String target, boolean met) {
		return figure(name, measured, target, met, "");
	}

	/**
	 * A figure held against a target.
	 * @param whyMissed by how much the figure missed and why, from the run's own
	 * measurements: shown beside the verdict when it missed
	 */
	Report figure(String name, String measured, String target, boolean met, String whyMissed) {
		this.figures.add(new Figure(name, measured, target, met ? Verdict.MET : Verdict.MISSED, met ? "" : whyMissed));
		return this;
	}

	/** A figure shown for comparison, without a target. */
	Report comparison(String name, String measured) {
		this.figures.add(new Figure(name, measured, "", Verdict.COMPARISON, ""));
		return this;
	}

	/** A line of Markdown for the part's section. */
	Report detail(String markdown) {
		this.details.add(markdown);
		return this;
	}

	boolean failed() {
		return this.failed;
	}

	String title() {
		return this.title;
	}

	List<Figure> figures() {
		return this.figures;
	}

	List<String> details() {
		return this.details;
	}

	/**
	 * One row of the summary table.
	 *
	 * @param name what was measured
	 * @param measured the value, formatted
	 * @param target the target, formatted, or empty
	 * @param verdict whether the target was met
	 * @param whyMissed by how much it missed and why, or empty
	 */
	record Figure(String name, String measured, String target, Verdict verdict, String whyMissed) {

		/** The verdict as the summary shows it, with why the target was missed. */
		String verdictText() {
			return this.whyMissed.isEmpty() ? this.verdict.text() : this.verdict.text() + ": " + this.whyMissed;
		}

	}

	/** How a figure compares with its target. */
	enum Verdict {

		MET("yes"), MISSED("**no**"), COMPARISON("");

		private final String text;

		Verdict(String text) {
			this.text = text;
		}

		String text() {
			return this.text;
		}

	}

}
