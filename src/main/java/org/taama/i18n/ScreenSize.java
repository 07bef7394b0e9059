package org.taama.i18n;

import java.util.List;

/**
 * How much one screen (one reply) holds on each channel, and the spellings a deployment may choose
 * there. The engines page by it and the lint measures every text by it.
 */
public enum ScreenSize {
    /** One USSD screen: 182 GSM-7 septets, or 80 UTF-16 units once a character is outside GSM-7. */
    USSD(Locales.USSD, List.of(Spelling.GSM_SAFE_NY, Spelling.GSM_SAFE_ENYE, Spelling.STANDARD)),
    /** One chat reply on SMS: at most three segments (459 GSM-7 characters, 201 UCS-2 units). */
    SMS(Locales.SMS, List.of(Spelling.GSM_SAFE_NY, Spelling.GSM_SAFE_ENYE, Spelling.STANDARD)),
    /** One WhatsApp reply: Twilio accepts 1,600 characters; keep well under for reading on a phone. */
    WHATSAPP(Locales.WHATSAPP, List.of(Spelling.STANDARD));

    private final String channel;
    private final List<Spelling> spellings;

    ScreenSize(String channel, List<Spelling> spellings) {
        this.channel = channel;
        this.spellings = spellings;
    }

    /** The channel whose text variants ({@code key@channel}) this screen shows. */
    public String channel() {
        return channel;
    }

    /** Every spelling a deployment may configure for this channel (USSD_GSM_SAFE, SMS_GSM_SAFE, BM_GSM_PALATAL). */
    public List<Spelling> spellings() {
        return spellings;
    }

    public boolean fits(String text) {
        return switch (this) {
            case USSD -> Gsm.fitsUssdScreen(text);
            case SMS -> {
                int septets = Gsm.septets(text);
                yield septets >= 0 ? septets <= 3 * 153 : text.length() <= 3 * 67;
            }
            case WHATSAPP -> text.length() <= 1000;
        };
    }
}
