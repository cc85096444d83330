package org.weightgames.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.weightgames.core.Resources;
import org.weightgames.game.Registry;
import org.weightgames.game.Scheme;
import org.weightgames.stats.GameSummary;
import org.weightgames.stats.Measure;
import org.weightgames.stats.Strongest;
import org.weightgames.stats.Summary;
import org.weightgames.stats.Verdict;

/**
 * The section a report opens with: what was found, one card per scheme (its name, source and what
 * it releases), and in it one line per game played, refuted claims first: the claim's statement,
 * the verdict against every adversary, and the decisive evidence (the strongest adversary's wins
 * with their interval, and the measure that says how far it got). As garak's and Giskard's scans
 * do, findings first, the evidence under each in the sections below.
 */
final class FindingsReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FindingsReport() {
    }

    /** One line of a card: a game and its verdict against every adversary. */
    record Finding(GameSummary game, Verdict verdict, String statement, String evidence) {
    }

    /** A scheme's card: its findings, refuted first. */
    record Card(String scheme, String name, String source, String releases, List<Finding> findings) {
        long refuted() {
            return count(Verdict.BROKEN);
        }

        long count(Verdict v) {
            return findings.stream().filter(f -> f.verdict() == v).count();
        }

        /**
         * How many of the games of {@code definition} got each verdict, in the findings' order (refuted
         * first); empty when none was played.
         */
        Map<Verdict, Long> counts(String definition) {
            Map<Verdict, Long> n = new LinkedHashMap<>();
            findings.stream().filter(f -> f.game().definition().equals(definition)).forEach(f -> n.merge(f.verdict(), 1L, Long::sum));
            return n;
        }

        /** The findings grouped by claim (game and statement), in the order of their first finding. */
        List<List<Finding>> claims() {
            Map<String, List<Finding>> by = new LinkedHashMap<>();
            for (Finding f : findings) {
                by.computeIfAbsent(f.game().definition() + "\n" + f.statement(), k -> new ArrayList<>()).add(f);
            }
            return new ArrayList<>(by.values());
        }

        String tally() {
            return refuted() + " refuted, " + count(Verdict.HOLDS) + " held, " + count(Verdict.INCONCLUSIVE) + " open";
        }
    }

    static List<Card> cards(List<GameSummary> games) {
        Map<String, List<Finding>> by = new LinkedHashMap<>();
        for (GameSummary g : games) {
            Strongest s = g.strongest();
            String statement = g.bound().statement() == null || g.bound().statement().isEmpty()
                    ? "no claim of the scheme's for " + g.definition() + ": judged against the default bound " + ReportWriter.f(g.bound().value())
                    : g.bound().statement();
            by.computeIfAbsent(g.scheme(), k -> new ArrayList<>()).add(new Finding(g, s.verdict(), statement, evidence(g)));
        }
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (Scheme s : Registry.schemes()) {
            descriptions.put(s.id(), s.description());
        }
        List<Card> out = new ArrayList<>();
        by.forEach((id, list) -> {
            list.sort(Comparator.comparingInt(f -> rank(f.verdict())));
            JsonNode claims = claimsFile(id);
            String name = claims == null ? id : claims.path("name").asText(id);
            String source = claims == null ? "" : claims.path("source").asText("");
            out.add(new Card(id, name, source, descriptions.getOrDefault(id, ""), list));
        });
        out.sort(Comparator.comparingLong(Card::refuted).reversed());
        return out;
    }

    /** Refuted first, then open, then held. */
    private static int rank(Verdict v) {
        return v == Verdict.BROKEN ? 0 : v == Verdict.INCONCLUSIVE ? 1 : 2;
    }

    private static JsonNode claimsFile(String id) {
        String text = Resources.text("schemes/" + id + ".json");
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** The strongest adversary's wins and interval, and the measure that says how far it got. */
    static String evidence(GameSummary g) {
        Strongest s = g.strongest();
        Summary lead = g.summaries().get(s.leader());
        StringBuilder e = new StringBuilder();
        e.append(s.leader()).append(' ').append(s.wins()).append('/').append(s.trials()).append(" [")
                .append(ReportWriter.f(s.ci().low())).append(", ").append(ReportWriter.f(s.ci().high())).append(']');
        if (s.adversaries().size() > 1) {
            e.append(" (strongest of ").append(s.adversaries().size()).append(')');
        }
        if (lead == null) {
            return e.toString();
        }
        switch (g.definition()) {
            case "uc" -> {
                value(lead.measures, "accuracy").ifPresent(v -> e.append("; accuracy ").append(v));
                value(lead.challengerMeasures, "original_accuracy").ifPresent(v -> e.append(" against f* ").append(v));
                value(lead.baselineMeasures, "accuracy").ifPresent(v -> e.append(", ").append(g.reference()).append(' ').append(v));
                value(lead.challengerMeasures, "locked_accuracy").ifPresent(v -> e.append("; the release alone ").append(v));
            }
            case "ext-w", "correct" -> value(lead.measures, "relative_error").ifPresent(v -> e.append("; relative error ").append(v));
            case "ext-f" -> {
                value(lead.measures, "relative_error").ifPresent(v -> e.append("; output error ").append(v));
                value(lead.measures, "agreement").ifPresent(v -> e.append(", top-1 agreement ").append(v));
            }
            default -> {
            }
        }
        return e.toString();
    }

    private static Optional<String> value(Map<String, Measure> m, String name) {
        Measure x = m == null ? null : m.get(name);
        return x == null || Double.isNaN(x.value()) ? Optional.empty() : Optional.of(ReportWriter.f(x.value()));
    }

    private static String game(GameSummary g) {
        return g.definition() + (g.variant().isEmpty() ? "" : " [" + g.variant().replace(",", ", ") + "]");
    }

    static String markdown(List<GameSummary> games) {
        StringBuilder md = new StringBuilder("## Findings\n\n");
        List<Card> cards = cards(games);
        long refuted = cards.stream().mapToLong(Card::refuted).sum();
        md.append(refuted).append(" of ").append(games.size()).append(" games refute the claim they test. Per scheme, refuted claims")
                .append(" first; the verdict is against every adversary at once, the evidence its strongest one. Columns are the games;")
                .append(" a cell counts the settings played per verdict. Each game's evidence is under Details in report.html.\n\n");
        List<String> defs = definitions(games);
        md.append("| scheme | ").append(String.join(" | ", defs)).append(" | refuted | held | open |\n|---|")
                .append("---|".repeat(defs.size() + 3)).append('\n');
        for (Card c : cards) {
            md.append("| ").append(c.name());
            for (String d : defs) {
                Map<Verdict, Long> n = c.counts(d);
                boolean one = one(n);
                md.append(" | ").append(n.isEmpty() ? "–" : String.join(", ", n.entrySet().stream()
                        .map(e -> (one ? "" : e.getValue() + " ") + "**" + e.getKey().label() + "**").toList()));
            }
            md.append(" | ").append(c.refuted()).append(" | ").append(c.count(Verdict.HOLDS)).append(" | ")
                    .append(c.count(Verdict.INCONCLUSIVE)).append(" |\n");
        }
        md.append('\n');
        for (Card c : cards) {
            md.append("### ").append(c.name()).append(" (`").append(c.scheme()).append("`): ").append(c.tally()).append("\n\n");
            if (!c.source().isEmpty()) {
                md.append(c.source()).append(". ");
            }
            md.append(c.releases()).append("\n\n");
            for (List<Finding> claim : c.claims()) {
                Finding first = claim.get(0);
                if (claim.size() == 1) {
                    md.append("- **").append(first.verdict().label().toUpperCase(Locale.ROOT)).append("** ").append(game(first.game()))
                            .append(": ").append(first.statement()).append(" — ").append(first.evidence()).append('\n');
                    continue;
                }
                List<String> common = common(claim);
                md.append("- **").append(first.game().definition()).append("**, ").append(claim.size()).append(" settings")
                        .append(common.isEmpty() ? "" : " (all with " + String.join(", ", common) + ")").append(": ")
                        .append(first.statement()).append('\n');
                for (Finding f : claim) {
                    md.append("  - **").append(f.verdict().label().toUpperCase(Locale.ROOT)).append("** [")
                            .append(String.join(", ", rest(f.game(), common))).append("] — ").append(f.evidence()).append('\n');
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The Findings section of report.html for {@code games}, whose {@link #cards} are {@code cards}. */
    static String html(List<GameSummary> games, List<Card> cards) {
        StringBuilder h = new StringBuilder("<h2 id=\"findings\">Findings</h2>\n");
        long refuted = cards.stream().mapToLong(Card::refuted).sum();
        h.append("<p>").append(refuted).append(" of ").append(games.size()).append(" games refute the claim they test. Per scheme,")
                .append(" refuted claims first; the verdict is against every adversary at once, the evidence its strongest one.</p>\n")
                .append(" Columns are the games; a cell counts the settings played per verdict.</p>\n");
        List<String> defs = definitions(games);
        h.append("<div class=\"scroll\"><table class=\"matrix\"><tr><th>scheme</th>");
        defs.forEach(d -> h.append("<th>").append(HtmlReport.esc(d)).append("</th>"));
        h.append("<th>refuted</th><th>held</th><th>open</th></tr>\n");
        for (Card c : cards) {
            h.append("<tr><td><a href=\"#card-").append(HtmlReport.esc(c.scheme())).append("\">").append(HtmlReport.esc(c.name()))
                    .append("</a></td>");
            for (String d : defs) {
                Map<Verdict, Long> n = c.counts(d);
                boolean one = one(n);
                h.append("<td>").append(n.isEmpty() ? "–" : "");
                n.forEach((v, k) -> h.append("<span class=\"pill ").append(v.label()).append("\">").append(one ? "" : k + " ")
                        .append(v.label()).append("</span> "));
                h.append("</td>");
            }
            h.append("<td class=\"broken\">").append(c.refuted()).append("</td><td class=\"holds\">")
                    .append(c.count(Verdict.HOLDS)).append("</td><td class=\"inconclusive\">").append(c.count(Verdict.INCONCLUSIVE))
                    .append("</td></tr>\n");
        }
        h.append("</table></div>\n");
        for (Card c : cards) {
            h.append("<div class=\"card\" id=\"card-").append(HtmlReport.esc(c.scheme())).append("\"><h3>").append(HtmlReport.esc(c.name()))
                    .append(" <small><code>").append(HtmlReport.esc(c.scheme())).append("</code> · ").append(c.tally())
                    .append("</small></h3>\n<p class=\"src\">");
            if (!c.source().isEmpty()) {
                h.append(HtmlReport.esc(c.source())).append(". ");
            }
            h.append(HtmlReport.esc(c.releases())).append("</p>\n<ul>\n");
            for (List<Finding> claim : c.claims()) {
                Finding first = claim.get(0);
                if (claim.size() == 1) {
                    h.append("<li>").append(badge(first.verdict())).append(" <b>").append(HtmlReport.esc(first.game().definition()))
                            .append("</b>").append(variant(first.game())).append(": ").append(HtmlReport.esc(first.statement()))
                            .append("<br>").append(evidence(first)).append("</li>\n");
                    continue;
                }
                List<String> common = common(claim);
                h.append("<li><b>").append(HtmlReport.esc(first.game().definition())).append("</b>, ").append(claim.size())
                        .append(" settings").append(common.isEmpty() ? "" : " <small>(all with " + HtmlReport.esc(String.join(", ", common)) + ")</small>")
                        .append(": ").append(HtmlReport.esc(first.statement())).append("<ul>\n");
                for (Finding f : claim) {
                    h.append("<li>").append(badge(f.verdict())).append(" <small>").append(HtmlReport.esc(String.join(", ", rest(f.game(), common))))
                            .append("</small><br>").append(evidence(f)).append("</li>\n");
                }
                h.append("</ul></li>\n");
            }
            h.append("</ul></div>\n");
        }
        return h.toString();
    }

    /** Whether a cell's counts are one game (its badge then needs no count). */
    private static boolean one(Map<Verdict, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum() == 1;
    }

    /** The games played, in the order they first appear. */
    private static List<String> definitions(List<GameSummary> games) {
        return games.stream().map(GameSummary::definition).distinct().toList();
    }

    private static List<String> settings(GameSummary g) {
        return g.variant().isEmpty() ? List.of() : List.of(g.variant().split(","));
    }

    /** The settings every game of a claim shares, said once for the claim. */
    private static List<String> common(List<Finding> claim) {
        List<String> out = new ArrayList<>(settings(claim.get(0).game()));
        claim.forEach(f -> out.retainAll(settings(f.game())));
        return out;
    }

    /** A game's settings without the claim's common ones: what sets it apart. */
    private static List<String> rest(GameSummary g, List<String> common) {
        List<String> out = new ArrayList<>(settings(g));
        out.removeAll(common);
        return out;
    }

    private static String badge(Verdict v) {
        return "<span class=\"badge " + v.label() + "\">" + v.label() + "</span>";
    }

    private static String variant(GameSummary g) {
        return g.variant().isEmpty() ? "" : " <small>" + HtmlReport.esc(g.variant().replace(",", ", ")) + "</small>";
    }

    private static String evidence(Finding f) {
        return "<small>" + HtmlReport.esc(f.evidence()) + " · <a href=\"#" + HtmlReport.anchor(f.game()) + "\">details</a></small>";
    }

    /** The same findings as a short table for the terminal's last lines. */
    static String terminal(List<GameSummary> games) {
        StringBuilder t = new StringBuilder("findings (refuted first; a claim played in several settings lists what sets each apart):\n");
        for (Card c : cards(games)) {
            for (List<Finding> claim : c.claims()) {
                Finding first = claim.get(0);
                if (claim.size() == 1) {
                    t.append(String.format("%-12s %-13s %-8s %s%s%n", c.scheme(), first.verdict().label().toUpperCase(Locale.ROOT),
                            first.game().definition(), first.game().variant().isEmpty() ? "" : "[" + first.game().variant() + "] ",
                            first.evidence()));
                    continue;
                }
                List<String> common = common(claim);
                t.append(String.format("%-12s %-13s %-8s %d settings%s:%n", c.scheme(), "", first.game().definition(), claim.size(),
                        common.isEmpty() ? "" : ", all with " + String.join(",", common)));
                for (Finding f : claim) {
                    t.append(String.format("%-12s %-13s %-8s [%s] %s%n", "", f.verdict().label().toUpperCase(Locale.ROOT), "",
                            String.join(",", rest(f.game(), common)), f.evidence()));
                }
            }
        }
        return t.toString();
    }
}
