package com.wallet.common.partners;

/** The network answered and said no (a 4xx: declined, invalid, conflict). Definite: nothing was processed. */
public class PartnerRefusedException extends RuntimeException {

    private final String service;
    private final int status;
    private final String code;

    public PartnerRefusedException(String service, int status, String code, String message) {
        super(service + " refused (" + status + " " + code + "): " + message);
        this.service = service;
        this.status = status;
        this.code = code;
    }

    public String service() {
        return service;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
