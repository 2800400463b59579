package dev.litefs.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks every relative link of Markdown pages: the file or folder it names exists, and
 * its {@code #anchor} is a heading of the page it points to, as GitHub makes anchors of
 * headings. Links to other sites are not followed.
 */
public final class LinkCheck {

	/** An inline link or image: {@code [text](target)} or {@code [text](target "title")}. */
	private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	/** A link reference definition: {@code [label]: target}. */
	private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

	private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	/**
	 * Arguments: the repository's root, then the pages and folders of pages to check,
	 * relative to it.
	 * @param args the arguments
	 * @throws IOException when a page cannot be read
	 */
	public static void main(String[] args) throws IOException {
		Path root = Path.of(args[0]).toAbsolutePath().normalize();
		List<Path> pages = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			Path path = root.resolve(args[i]);
			if (Files.isDirectory(path)) {
				try (Stream<Path> files = Files.list(path)) {
					files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
				}
			}
			else {
				pages.add(path);
			}
		}
		List<String> broken = new LinkCheck().check(root, pages);
		if (!broken.isEmpty()) {
			throw new IllegalStateException(broken.size() + " broken link(s):\n  " + String.join("\n  ", broken));
		}
	}

	/**
	 * The broken links of these pages.
	 * @param root the repository's root, for the messages
	 * @param pages the pages to check
	 * @return each broken link as {@code page:line: target (why)}
	 * @throws IOException when a page cannot be read
	 */
	List<String> check(Path root, List<Path> pages) throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path page : pages) {
			if (!Files.isRegularFile(page)) {
				broken.add(root.relativize(page) + ": no such page");
				continue;
			}
			List<String> lines = prose(Files.readAllLines(page));
			for (int number = 0; number < lines.size(); number++) {
				for (String target : targets(lines.get(number))) {
					String why = whyBroken(page, target);
					if (why != null) {
						broken.add(root.relativize(page) + ":" + (number + 1) + ": " + target + " (" + why + ")");
					}
				}
			}
		}
		return broken;
	}

	private static List<String> targets(String line) {
		List<String> targets = new ArrayList<>();
		String text = CODE_SPAN.matcher(line).replaceAll("");
		Matcher inline = INLINE.matcher(text);
		while (inline.find()) {
			targets.add(inline.group(1));
		}
		Matcher reference = REFERENCE.matcher(text);
		if (reference.matches()) {
			targets.add(reference.group(1));
		}
		return targets;
	}

	private String whyBroken(Path page, String target) throws IOException {
		if (target.isEmpty() || SCHEME.matcher(target).find() || target.startsWith("//")) {
			return null;
		}
		int hash = target.indexOf('#');
		String file = (hash < 0) ? target : target.substring(0, hash);
		Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
		if (!Files.exists(linked)) {
			return "no such file";
		}
		if (hash < 0) {
			return null;
		}
		if (!linked.toString().endsWith(".md")) {
			return "an anchor in a page that is not Markdown";
		}
		return anchorsOf(linked).contains(target.substring(hash + 1)) ? null : "no such heading";
	}

	private Set<String> anchorsOf(Path page) throws IOException {
		Set<String> known = this.anchors.get(page);
		if (known == null) {
			known = anchors(Files.readAllLines(page));
			this.anchors.put(page, known);
		}
		return known;
	}

	/**
	 * The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces
	 * as {@code -}, a repeated one suffixed {@code -1}, {@code -2}, ...), and those of its
	 * HTML anchors.
	 * @param lines the page's lines
	 * @return its anchors
	 */
	static Set<String> anchors(List<String> lines) {
		Set<String> anchors = new HashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : prose(lines)) {
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String slug = slug(heading.group(1));
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
			Matcher html = HTML_ANCHOR.matcher(line);
			while (html.find()) {
				anchors.add(html.group(1));
			}
		}
		return anchors;
	}

	static String slug(String heading) {
		String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
		return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
	}

	/** The lines outside fenced code blocks, the others blanked to keep line numbers. */
	private static List<String> prose(List<String> lines) {
		List<String> prose = new ArrayList<>(lines.size());
		String fence = null;
		for (String line : lines) {
			String stripped = line.stripLeading();
			if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
				fence = stripped.substring(0, 3);
				prose.add("");
			}
			else if (fence != null) {
				if (stripped.startsWith(fence)) {
					fence = null;
				}
				prose.add("");
			}
			else {
				prose.add(line);
			}
		}
		return prose;
	}

}
