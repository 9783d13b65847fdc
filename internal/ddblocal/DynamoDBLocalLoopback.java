import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local, with DynamoDBLocal.jar's own command-line arguments,
 * listening on 127.0.0.1 only.
 *
 * <p>DynamoDB Local 1.25 has no bind option: its DynamoDBProxyServer builds an
 * embedded Jetty {@code new Server(port)}, whose one ServerConnector has no host
 * and so binds every interface; Jetty 9.4 reads no system property for that
 * host either. This launcher lets DynamoDB Local build its server exactly as
 * its own main does, sets the connector's host to loopback, then starts it.
 * Reflection only, so it compiles without DynamoDB Local on the classpath.
 */
public final class DynamoDBLocalLoopback {
    public static void main(String[] args) throws Exception {
        Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
        Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
        Field field = proxy.getClass().getDeclaredField("server");
        field.setAccessible(true);
        Object server = field.get(proxy);
        Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local built a server without a connector");
        }
        for (Object connector : connectors) {
            connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
        }
        // Jetty's threads keep the JVM running after main returns, as with ServerRunner.
        proxy.getClass().getMethod("start").invoke(proxy);
    }
}
