package dev.autoconvert.worker;

import dev.autoconvert.oci.registry.ProxySettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ConversionWorkerApplication {
  public static void main(String[] args) {
    ProxySettings.allowBasicProxyAuthentication();
    SpringApplication.run(ConversionWorkerApplication.class, args);
  }
}
