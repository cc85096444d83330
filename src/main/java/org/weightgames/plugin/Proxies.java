package org.weightgames.plugin;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * A plugin component as an instance of the types its manifest declares: a dynamic proxy that
 * sends each call to the implementation's public method of the same signature, or to the
 * interface's default method where the implementation has none (a marker's optional methods).
 */
final class Proxies {
    private Proxies() {
    }

    static <T> T of(Object impl, List<Class<?>> types, String label, Class<T> as) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> label;
                };
            }
            Method own = find(impl, method);
            if (own == null && method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            try {
                return (own == null ? method : own).invoke(impl, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return as.cast(Proxy.newProxyInstance(Proxies.class.getClassLoader(), types.toArray(new Class<?>[0]), h));
    }

    private static Method find(Object impl, Method m) {
        try {
            Method own = impl.getClass().getMethod(m.getName(), m.getParameterTypes());
            return own.getDeclaringClass() == Object.class ? null : own;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
