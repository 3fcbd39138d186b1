package com.wallet.api.crypto;

import com.wallet.common.crypto.DataCipher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class Crypto {

    @Bean
    DataCipher dataCipher(CryptoSettings settings) {
        return settings.cipher();
    }
}
