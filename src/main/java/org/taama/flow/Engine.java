package org.taama.flow;

import org.taama.i18n.Locales;
import org.taama.i18n.Pager;
import org.taama.i18n.Spelling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The conversation as a pure function: (state, input) → (new state, screen). No I/O; channels load
 * the state, call {@link #step}, render nothing themselves, and save what comes back.
 *
 * <p>Navigation is the same on every node: {@code 0} back, {@code 00} main menu, {@code 98} next page
 * of a long text (or the next screen of a list too long for one, a node's {@code more:}),
 * {@code 1..9} the numbered options; anything else shows the same screen again with a short hint
 * above it, and never ends the session. Every page of a long text leaves room for that hint, so a
 * wrong key never costs the caller the page they were reading.
 *
 * <p>Each engine serves one channel ({@code ussd}, {@code sms}, {@code whatsapp}): a text may have a
 * variant for a channel ({@code key@whatsapp}, see {@link Locales#text(String, String, String)}).
 */
public final class Engine {
    public static final String BACK = "0";
    public static final String HOME = "00";
    public static final String MORE = "98";
    /** The session answer holding the locale key of the SMS the caller asked for (read back by {@code {sms}}). */
    public static final String SMS_VAR = "sms";

    private static final int CACHE_LIMIT = 4096;

    private final FlowSet flows;
    private final Locales locales;
    private final Spelling spelling;
    private final Predicate<String> fits;
    private final String channel;
    /** The nodes as this channel shows them: without the options it cannot carry out. */
    private final Map<String, Node> shown = new ConcurrentHashMap<>();
    private final Set<String> unavailable;
    /** Pagination depends only on the texts, so it is worked out once per (body, footers). */
    private final Map<String, List<String>> pageCache = new ConcurrentHashMap<>();
    /** Screens of content nodes are the same for every caller at the same place: render each once. */
    private final Map<ScreenKey, Rendered> screenCache = new ConcurrentHashMap<>();

    /**
     * @param spelling how texts are spelled on this channel
     * @param fits     whether a whole screen fits this channel (e.g. one USSD screen)
     */
    public Engine(FlowSet flows, Locales locales, Spelling spelling, Predicate<String> fits) {
        this(flows, locales, spelling, fits, Locales.USSD);
    }

    /** @param channel which channel's text variants to show: one of {@link Locales#CHANNELS} */
    public Engine(FlowSet flows, Locales locales, Spelling spelling, Predicate<String> fits, String channel) {
        this(flows, locales, spelling, fits, channel, Set.of());
    }

    /**
     * @param channel     which channel's text variants to show: one of {@link Locales#CHANNELS}
     * @param unavailable actions this channel cannot carry out (e.g. "sms" without an SMS sender, or
     *                    in a conversation that already is SMS): options doing them are not offered,
     *                    nor options leading to a screen whose every choice does them (the warning
     *                    before sending an SMS)
     */
    public Engine(FlowSet flows, Locales locales, Spelling spelling, Predicate<String> fits, String channel,
                  Set<String> unavailable) {
        if (!Locales.CHANNELS.contains(channel)) throw new IllegalArgumentException("unknown channel " + channel);
        this.flows = flows;
        this.locales = locales;
        this.spelling = spelling;
        this.fits = fits;
        this.channel = channel;
        this.unavailable = Set.copyOf(unavailable);
    }

    public String channel() {
        return channel;
    }

    public FlowSet flows() {
        return flows;
    }

    /** A new conversation: the language menu for a caller we do not know, else the main menu. */
    public Step start(String lang, boolean languageKnown) {
        boolean askLanguage = !languageKnown && flows.node(FlowSet.LANGUAGE) != null;
        String l = Locales.isLanguage(lang) ? lang : Locales.FALLBACK;
        State s = new State(l, askLanguage ? FlowSet.LANGUAGE : FlowSet.HOME, 0, List.of());
        return new Step(s, render(s, false).screen(), Step.Outcome.STARTED);
    }

    /**
     * A new call from someone whose previous session is still warm: offer to continue where they
     * were, or start again. Falls back to {@link #start} when there is nothing worth resuming.
     */
    public Step resume(State saved) {
        State s = sane(saved);
        // A session holding answers (self-check, call-back) is never offered again: whoever holds the
        // phone now may not be the person who answered.
        boolean worth = flows.node(FlowSet.RESUME) != null && !s.node().equals(FlowSet.HOME)
                && !s.node().equals(FlowSet.LANGUAGE) && s.vars().isEmpty();
        if (!worth) return start(s.lang(), true);
        // Dropped again while being offered to continue: offer the same, do not stack offers.
        State offer = s.node().equals(FlowSet.RESUME) ? s : sane(s.forward(FlowSet.RESUME));
        return new Step(offer, render(offer, false).screen(), Step.Outcome.STARTED);
    }

    public Step step(State state, String input) {
        State s = sane(state);
        String in = input == null ? "" : input.strip();
        if (in.isEmpty()) return answer(s, Step.Outcome.REPEATED, false);
        if (in.equals(HOME)) return answer(home(s), Step.Outcome.HOME, false);
        if (in.equals(BACK)) {
            State prev = s.page() > 0 ? s.at(s.node(), s.page() - 1) : s.previous();
            return answer(prev == null ? home(s) : sane(prev), Step.Outcome.BACK, false);
        }
        Rendered now = render(s, false);
        Node node = node(s.node());
        if (in.equals(MORE) && s.page() < now.pages() - 1) {
            return answer(s.at(s.node(), s.page() + 1), Step.Outcome.PAGED, false);
        }
        String continued = continuedAt(node);
        if (in.equals(MORE) && continued != null && s.page() == now.pages() - 1) {
            return answer(sane(s.forward(continued)), Step.Outcome.PAGED, false);
        }
        int choice = choice(in);
        if (choice >= 1 && choice <= now.choices()) {
            Option picked = node.options().get(choice - 1);
            State next = sane(node.kind().choose(node, s, choice - 1)).withVars(picked.set());
            // The screen saying the SMS could not be sent still gives its text: it is kept for {sms}.
            if (picked.sms() != null) next = next.withVars(Map.of(SMS_VAR, picked.sms()));
            List<Effect> effects = new ArrayList<>(2);
            NodeKind.Transition arrived = entered(next);
            if (arrived != null) {
                next = sane(arrived.next());
                effects.addAll(arrived.effects());
            }
            boolean language = node.kind() instanceof LanguageKind;
            Step step = answer(next, language ? Step.Outcome.LANGUAGE_SET : Step.Outcome.MOVED, false);
            if (picked.action() != null) {
                String textKey = picked.sms() != null ? picked.sms() : node.text();
                effects.add(new Effect(picked.action(), textKey, s.lang(), picked.region(), next.vars(), picked.on()));
            }
            // "a, b" counts under each name: the self-check's last question counts an answer and a completion.
            if (picked.tally() != null) {
                for (String name : picked.tally().split(",")) {
                    if (!name.isBlank()) effects.add(new Effect("tally", null, s.lang(), null, Map.of("name", name.strip())));
                }
            }
            return effects.isEmpty() ? step : new Step(step.state(), step.screen(), step.outcome(), List.copyOf(effects));
        }
        NodeKind.Transition typed = node.kind().text(node, s, in);
        if (typed != null) {
            State next = sane(typed.next());
            List<Effect> effects = new ArrayList<>(typed.effects());
            NodeKind.Transition arrived = entered(next);
            if (arrived != null) {
                next = sane(arrived.next());
                effects.addAll(arrived.effects());
            }
            Step step = answer(next, Step.Outcome.MOVED, false);
            return new Step(step.state(), step.screen(), step.outcome(), List.copyOf(effects));
        }
        return answer(s, Step.Outcome.INVALID, true);
    }

    /** What arriving on the state's node does (its kind's {@link NodeKind#entered}), or null. */
    private NodeKind.Transition entered(State next) {
        Node target = node(next.node());
        return target == null ? null : target.kind().entered(target, next);
    }

    /**
     * A call dialled with digits after the short code ({@code *123*4821#}, where the gateway passes them):
     * the quiz session code screen ({@link FlowSet#QUIZ_CODE}) as if the caller had typed them there.
     * Without that screen, or with digits it does not take, the call starts as usual.
     */
    public Step dialled(String lang, boolean languageKnown, String digits) {
        Step plain = start(lang, languageKnown);
        if (digits == null || digits.isBlank() || flows.node(FlowSet.QUIZ_CODE) == null) return plain;
        // The code screen speaks the caller's language, or the default one: a training says which to expect.
        State at = start(lang, true).state().forward(FlowSet.QUIZ_CODE);
        Step typed = step(at, digits);
        return typed.effects().isEmpty() ? plain : typed;
    }

    /**
     * The step that tells what really happened once the channel carried out the step's effects:
     * the step itself when it happened ({@link Effect#OK}), else the screen the option routes that
     * outcome to ({@code on:}), entered from the screen where the caller chose. Null when no option
     * routes that outcome: the channel then apologises instead of claiming anything.
     */
    public Step settle(Step step, String outcome) {
        if (outcome == null || Effect.OK.equals(outcome)) return step;
        for (Effect e : step.effects()) {
            String target = e.on().get(outcome);
            if (target == null || flows.node(target) == null) continue;
            State from = step.state().previous();
            State base = from == null ? home(step.state()) : from;
            return answer(sane(base.forward(target)), Step.Outcome.MOVED, false);
        }
        return null;
    }

    /**
     * As {@link #settle(Step, String)}, with what the channel found: an effect that names a flow (a
     * quiz session code) sends the caller to that flow's start, with its answers remembered, and
     * "0" leads back to where they chose. A flow this deployment does not have is refused.
     */
    public Step settle(Step step, Effect.Result result) {
        if (result == null) return settle(step, (String) null);
        if (!Effect.OK.equals(result.outcome()) || result.flow() == null) return settle(step, result.outcome());
        String start = flows.starts().get(result.flow());
        if (start == null || flows.node(start) == null) return settle(step, Effect.REFUSED);
        State from = step.state().previous();
        State base = from == null ? home(step.state()) : from;
        return answer(sane(base.forward(start).withVars(result.vars())), Step.Outcome.MOVED, false);
    }

    /** The screen for a state, as {@link #step} would show it; the lint uses this too. */
    public Rendered render(State s, boolean invalid) {
        Node node = node(s.node());
        if (!node.kind().cacheable()) return renderNow(node, s, invalid);
        ScreenKey key = new ScreenKey(node.id(), s.lang(), s.page(), s.back().isEmpty(), invalid);
        Rendered r = screenCache.get(key);
        if (r == null) {
            r = renderNow(node, s, invalid);
            if (screenCache.size() > CACHE_LIMIT) screenCache.clear();
            screenCache.put(key, r);
        }
        return r;
    }

    /** Everything a cacheable screen depends on. */
    private record ScreenKey(String node, String lang, int page, boolean nothingBehind, boolean invalid) {}

    private Rendered renderNow(Node node, State s, boolean invalid) {
        UnaryOperator<String> text = key -> text(s.lang(), key);
        View view = node.kind().view(node, s, text);

        String nav = navigation(s, node, text);
        String options = numbered(view.options());
        String moreLine = MORE + " " + text.apply("common.more");
        // A list continued on another screen offers it with the same key as the next page of a text.
        String afterOptions = continuedAt(node) == null ? nav : Pager.join(moreLine, nav);
        String last = view.end() ? "" : Pager.join(options, afterOptions);
        String more = Pager.join(moreLine, nav);
        String hint = text.apply("common.invalid");
        List<String> pages = view.pageable() ? pages(view.body(), more, last, hint) : List.of(view.body());
        int page = Math.min(Math.max(0, s.page()), pages.size() - 1);
        boolean isLast = page == pages.size() - 1;
        String footer = isLast ? last : more;
        String screen = Pager.join(pages.get(page), footer);
        if (invalid) {
            // Pages leave room for the hint; a menu that cannot take it is a lint error, and there
            // the caller still keeps the screen rather than a bare hint.
            String withHint = Pager.join(hint, screen);
            if (fits.test(withHint)) screen = withHint;
        }
        boolean end = view.end() && isLast;
        return new Rendered(new Screen(screen, end), pages.size(), isLast && !end ? view.options().size() : 0, pages);
    }

    /** A rendered screen with what the engine needs to interpret the next input. */
    public record Rendered(Screen screen, int pages, int choices, List<String> allPages) {}

    /** The text of a key in a language, spelled for this channel. */
    public String text(String lang, String key) {
        String t = locales.text(lang, key, channel);
        return spelling.apply(t == null ? key : t);
    }

    /** A node as this channel shows it. */
    private Node node(String id) {
        Node n = flows.node(id);
        if (n == null || unavailable.isEmpty()) return n;
        return shown.computeIfAbsent(id, k -> {
            List<Option> kept = n.options().stream().filter(o -> offered(o, true)).toList();
            return kept.size() == n.options().size() ? n
                    : new Node(n.id(), n.file(), n.kind(), n.text(), kept, n.end(), n.params());
        });
    }

    /** Whether this channel offers an option: it can do what it does, and what it leads to is not pointless. */
    private boolean offered(Option o, boolean lookAhead) {
        if (o.action() != null && unavailable.contains(o.action())) return false;
        if (!lookAhead) return true;
        Node target = flows.node(o.go());
        if (target == null || target.options().isEmpty()) return true;
        return target.options().stream().anyMatch(t -> offered(t, false));
    }

    private Step answer(State s, Step.Outcome outcome, boolean invalid) {
        Rendered r = render(s, invalid);
        Step.Outcome o = r.screen().end() ? Step.Outcome.ENDED : outcome;
        return new Step(s, r.screen(), o);
    }

    private List<String> pages(String body, String more, String last, String hint) {
        String key = body + '\u0000' + more + '\u0000' + last + '\u0000' + hint;
        List<String> cached = pageCache.get(key);
        if (cached != null) return cached;
        List<String> pages = Pager.paginate(body, more, last, screen -> fits.test(Pager.join(hint, screen)));
        // A footer too big for any screen is a content error the lint reports; show the text whole.
        if (pages.isEmpty()) pages = List.of(body);
        if (pageCache.size() > CACHE_LIMIT) pageCache.clear();
        pageCache.put(key, pages);
        return pages;
    }

    /** Where 98 leads from the last page of a node whose list goes on (its {@code more:}), or null. */
    private String continuedAt(Node node) {
        String target = node.param(Node.MORE);
        return target != null && flows.node(target) != null ? target : null;
    }

    private static String navigation(State s, Node node, UnaryOperator<String> text) {
        boolean atHome = node.id().equals(FlowSet.HOME);
        // "0" on a screen with nothing behind it leads home, except on the very first screen of a call.
        boolean firstScreen = s.back().isEmpty() && (atHome || node.id().equals(FlowSet.LANGUAGE));
        boolean canGoBack = s.page() > 0 || !firstScreen;
        boolean canGoHome = !atHome;
        StringBuilder nav = new StringBuilder();
        if (canGoBack) nav.append(BACK).append(' ').append(text.apply("common.back"));
        if (canGoHome) {
            if (!nav.isEmpty()) nav.append(' ');
            nav.append(HOME).append(' ').append(text.apply("common.home"));
        }
        return nav.toString();
    }

    private static String numbered(List<String> options) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < options.size(); i++) {
            if (i > 0) b.append('\n');
            b.append(i + 1).append(". ").append(options.get(i));
        }
        return b.toString();
    }

    private static int choice(String in) {
        if (in.length() != 1) return -1;
        char c = in.charAt(0);
        return c >= '1' && c <= '9' ? c - '0' : -1;
    }

    private State home(State s) {
        return new State(s.lang(), FlowSet.HOME, 0, List.of());
    }

    /** A state that points at a node this deployment no longer has (content changed) starts over at home. */
    private State sane(State s) {
        String lang = Locales.isLanguage(s.lang()) ? s.lang() : Locales.FALLBACK;
        if (s.node() == null || flows.node(s.node()) == null) return new State(lang, FlowSet.HOME, 0, List.of());
        return lang.equals(s.lang()) ? s : s.withLang(lang);
    }
}
