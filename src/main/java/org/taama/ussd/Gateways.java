package org.taama.ussd;

import org.taama.gateway.UssdGateway;
import org.taama.ussd.africastalking.AfricasTalking;
import org.taama.ussd.hubtel.Hubtel;

import java.util.List;

/** The USSD gateways this server speaks. */
public final class Gateways {
    private Gateways() {}

    public static List<UssdGateway> all() {
        return List.of(new AfricasTalking(), new Hubtel());
    }
}
