package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.client.ApiClient;
import com.wallet.client.ApiException;
import com.wallet.client.api.PaymentMethodsApi;
import com.wallet.client.api.PaymentsApi;
import com.wallet.client.api.UsersApi;
import com.wallet.client.api.WalletApi;
import com.wallet.client.model.Credentials;
import com.wallet.client.model.LinkRequest;
import com.wallet.client.model.PaymentMethodView;
import com.wallet.client.model.SendRequest;
import com.wallet.client.model.SignUp;
import com.wallet.client.model.TransferView;
import com.wallet.client.model.UserView;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client generated at build time from {@code docs/openapi.yaml} (openapi-generator's Java client, the
 * {@code native} library) and nothing else: it signs up, logs in, links a card and sends money funded by that card
 * against the real API, and gets the API's problems as errors with their status.
 */
@ApiIT
class GeneratedClientIT extends ApiIT.Base {

    private static final String PASSWORD = "correct horse 1";

    @Test
    void aClientGeneratedFromTheContractSignsUpLinksACardAndSendsMoney() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        UsersApi anonymous = new UsersApi(client(null));
        UserView payer = anonymous.signUp(new SignUp()
                .username("gen_payer_" + suffix)
                .email("gen_payer_" + suffix + "@example.com")
                .password(PASSWORD)
                .pin(Api.PIN));
        UserView payee = anonymous.signUp(new SignUp()
                .username("gen_payee_" + suffix)
                .email("gen_payee_" + suffix + "@example.com")
                .password(PASSWORD));
        assertThat(payer.getPhone()).isNull();
        String token = anonymous
                .logIn(new Credentials().username(payer.getUsername()).password(PASSWORD))
                .getAccessToken();
        ApiClient signedIn = client(token);

        PaymentMethodView card = new PaymentMethodsApi(signedIn)
                .linkPaymentMethod(
                        new LinkRequest()
                                .type("card")
                                .cardNumber(Api.CARD)
                                .expMonth(12)
                                .expYear(java.time.Year.now().getValue() + 3),
                        Api.PIN);
        assertThat(card.getLast4()).isEqualTo("4242");
        assertThat(card.getRoutingNumber()).isNull();

        PaymentsApi transfers = new PaymentsApi(signedIn);
        Object sent = transfers
                .sendMoney(
                        UUID.randomUUID().toString(),
                        new SendRequest()
                                .receiverId(payee.getId())
                                .amountCents(1_234L)
                                .note("from the generated client"),
                        Api.PIN)
                .getActualInstance();
        assertThat(sent).isInstanceOf(TransferView.class);
        TransferView transfer = (TransferView) sent;
        assertThat(transfer.getAmountCents()).isEqualTo(1_234L);
        assertThat(transfer.getFunding().getCardCents()).isEqualTo(1_234L);
        assertThat(transfers.getTransfer(transfer.getId()).getReceiverId()).isEqualTo(payee.getId());
        assertThat(new WalletApi(signedIn).getWallet().getBalanceCents()).isZero();

        // a problem arrives as an error with its status and its problem+json body
        assertThatThrownBy(() -> transfers.getTransfer(UUID.randomUUID()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"status\":404");
                });
    }

    private ApiClient client(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        if (token != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        }
        return client;
    }
}
