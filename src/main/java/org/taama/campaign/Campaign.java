package org.taama.campaign;

import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One awareness campaign as stored, and the moves it may make. Drafts and rejected campaigns are
 * edited in place (a rejected one goes back to draft); a submitted one waits for its review; an
 * approved one is frozen: a change to it, or to a paused, cancelled or finished one, makes a new draft.
 */
public record Campaign(String id, String owner, Status status, CampaignSpec spec, String createdAt, String updatedAt,
                       long version, String parent, String submittedAt, String decidedBy, String decidedAt, String reason,
                       String finishedAt) {

    public enum Status {
        DRAFT, SUBMITTED, APPROVED, REJECTED, PAUSED, CANCELLED,
        /** Sent: every recipient accounted for. Only the sender moves a campaign here, from approved. */
        FINISHED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status of(String id) {
            for (Status s : values()) if (s.id().equals(id)) return s;
            return null;
        }
    }

    /** A move and the statuses it may start from. */
    public enum Action {
        SUBMIT(Status.SUBMITTED, EnumSet.of(Status.DRAFT)),
        APPROVE(Status.APPROVED, EnumSet.of(Status.SUBMITTED)),
        REJECT(Status.REJECTED, EnumSet.of(Status.SUBMITTED)),
        PAUSE(Status.PAUSED, EnumSet.of(Status.APPROVED)),
        RESUME(Status.APPROVED, EnumSet.of(Status.PAUSED)),
        CANCEL(Status.CANCELLED, EnumSet.of(Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.PAUSED));

        public final Status to;
        private final Set<Status> from;

        Action(Status to, Set<Status> from) {
            this.to = to;
            this.from = from;
        }

        public boolean allowedFrom(Status s) {
            return from.contains(s);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How an edit lands: in place, as a new draft, or not at all (while it waits for review). */
    public enum Edit { IN_PLACE, NEW_DRAFT, REFUSED }

    public Edit edit() {
        return switch (status) {
            case DRAFT, REJECTED -> Edit.IN_PLACE;
            case SUBMITTED -> Edit.REFUSED;
            case APPROVED, PAUSED, CANCELLED, FINISHED -> Edit.NEW_DRAFT;
        };
    }

    static Campaign fromHash(String id, Map<String, String> h) {
        Status s = Status.of(h.get("status"));
        if (s == null || h.get("spec") == null) return null;
        return new Campaign(id, h.get("owner"), s, CampaignSpec.fromJson(new JsonObject(h.get("spec"))), h.get("created_at"),
                h.get("updated_at"), Long.parseLong(h.getOrDefault("version", "1")), h.get("parent"), h.get("submitted_at"),
                h.get("decided_by"), h.get("decided_at"), h.get("reason") == null || h.get("reason").isEmpty() ? null : h.get("reason"), h.get("finished_at"));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("id", id).put("status", status.id()).put("owner", owner)
                .put("version", version).put("created_at", createdAt).put("updated_at", updatedAt);
        spec.toJson().forEach(e -> o.put(e.getKey(), e.getValue()));
        if (parent != null) o.put("parent", parent);
        if (submittedAt != null) o.put("submitted_at", submittedAt);
        if (decidedBy != null) o.put("decided_by", decidedBy).put("decided_at", decidedAt);
        if (reason != null) o.put("reason", reason);
        if (finishedAt != null) o.put("finished_at", finishedAt);
        return o;
    }
}
