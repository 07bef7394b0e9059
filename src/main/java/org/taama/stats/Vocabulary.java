package org.taama.stats;

import org.taama.directory.Directory;
import org.taama.flow.FlowSet;
import org.taama.flow.Node;
import org.taama.flow.Option;
import org.taama.i18n.Locales;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every value a dimension may take, known when the server starts: channels, Twilio's statuses, case
 * statuses, regions and kinds of help, languages, and the screens and tallies of the loaded flows.
 * A value outside these is never counted, so the counters stay a bounded, closed set.
 */
public final class Vocabulary {
    public static final List<String> CHANNELS = List.of("ussd", "sms", "whatsapp");
    /** Twilio's Message.Status values (as DeliveryStatus knows them). */
    public static final List<String> DELIVERY_STATUSES = List.of("queued", "sending", "sent", "failed", "delivered",
            "undelivered", "receiving", "received", "accepted", "scheduled", "read", "partially_delivered", "canceled");
    public static final List<String> CASE_STATUSES = List.of("new", "contacted", "referred", "closed");
    /** The list of services of one region and kind of help (its first screen; later pages end in _pN). */
    private static final Pattern DIRECTORY_LIST = Pattern.compile("directory\\.r_([a-z]+)_([a-z]+)");

    private final Map<Metric.Dimension, Set<String>> values = new EnumMap<>(Metric.Dimension.class);
    private final Set<String> completions;

    private Vocabulary(Set<String> screens, Set<String> tallies, Set<String> completions) {
        values.put(Metric.Dimension.CHANNEL, Set.copyOf(CHANNELS));
        values.put(Metric.Dimension.DELIVERY_STATUS, Set.copyOf(DELIVERY_STATUSES));
        values.put(Metric.Dimension.CASE_STATUS, Set.copyOf(CASE_STATUSES));
        values.put(Metric.Dimension.REGION, Set.copyOf(Directory.REGIONS));
        values.put(Metric.Dimension.KIND, Set.copyOf(Directory.CATEGORIES.keySet()));
        values.put(Metric.Dimension.LANGUAGE, Set.copyOf(Locales.LANGUAGES));
        values.put(Metric.Dimension.SCREEN, Set.copyOf(screens));
        values.put(Metric.Dimension.TALLY, Set.copyOf(tallies));
        this.completions = Set.copyOf(completions);
    }

    /** The screens and tallies of these flows (the directory's generated screens included). */
    public static Vocabulary of(FlowSet flows) {
        Set<String> screens = new LinkedHashSet<>();
        Set<String> tallies = new LinkedHashSet<>();
        Set<String> completions = new LinkedHashSet<>();
        for (Node n : flows.nodes().values()) {
            screens.add(n.id());
            if ("result".equals(n.kind().name())) completions.add(n.id());
            for (Option o : n.options()) if (o.tally() != null) tallies.add(o.tally());
        }
        return new Vocabulary(screens, tallies, completions);
    }

    /** True when {@code value} is one this dimension takes. */
    public boolean allows(Metric.Dimension dimension, String value) {
        return value != null && values.get(dimension).contains(value);
    }

    public Set<String> values(Metric.Dimension dimension) {
        return values.get(dimension);
    }

    /** True when reaching this screen completes the self-check (a result screen). */
    public boolean completes(String screen) {
        return completions.contains(screen);
    }

    /** The region and kind of help whose list of services this screen is, or null. */
    public String[] directoryList(String screen) {
        Matcher m = DIRECTORY_LIST.matcher(screen);
        if (!m.matches()) return null;
        String region = m.group(1);
        String kind = m.group(2);
        return allows(Metric.Dimension.REGION, region) && allows(Metric.Dimension.KIND, kind) ? new String[] {region, kind} : null;
    }

    /**
     * The field a count goes to ({@code name} or {@code name:value:value}), or null when a value is
     * missing or not one its dimension takes.
     */
    public String field(Metric metric, String... dims) {
        List<Metric.Dimension> kinds = metric.dimensions();
        if (dims.length != kinds.size()) return null;
        if (dims.length == 0) return metric.id();
        StringBuilder b = new StringBuilder(metric.id());
        for (int i = 0; i < dims.length; i++) {
            if (!allows(kinds.get(i), dims[i])) return null;
            b.append(':').append(dims[i]);
        }
        return b.toString();
    }
}
