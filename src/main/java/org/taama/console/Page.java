package org.taama.console;

import org.taama.operators.Accounts.Role;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The console's pages and who may open each: {@code /<id>} serves {@code console/<id>.html} to a
 * signed-in user of one of its roles, and 403 to anyone else signed in. The order is the nav's; a
 * role's first page is where it lands after sign-in. (Admin: everything; operator: the dashboard, the case
 * work, the review of campaigns, the log, and the campaign pages only to follow and pause or cancel
 * what they approved; volunteer: their campaigns, the simulator and its content view, which they read
 * to write.)
 */
public enum Page {
    DASHBOARD("dashboard", Role.ADMIN, Role.OPERATOR),
    CASES("cases", Role.ADMIN, Role.OPERATOR),
    APPROVALS("approvals", Role.ADMIN, Role.OPERATOR),
    LOG("log", Role.ADMIN, Role.OPERATOR),
    CAMPAIGNS("campaigns", Role.ADMIN, Role.OPERATOR, Role.VOLUNTEER),
    SIMULATOR("simulator", Role.ADMIN, Role.VOLUNTEER),
    CONTENT("content", Role.ADMIN, Role.VOLUNTEER),
    ACCOUNTS("accounts", Role.ADMIN);

    private final String id;
    private final Set<Role> roles;

    Page(String id, Role first, Role... more) {
        this.id = id;
        this.roles = EnumSet.of(first, more);
    }

    public String id() {
        return id;
    }

    public String path() {
        return "/" + id;
    }

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    /** The pages {@code role} may open, in nav order. */
    public static List<Page> of(Role role) {
        return java.util.Arrays.stream(values()).filter(p -> p.allows(role)).toList();
    }
}
