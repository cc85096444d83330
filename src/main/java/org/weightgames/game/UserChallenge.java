package org.weightgames.game;

import org.weightgames.core.Artifact;
import org.weightgames.core.WgException;
import org.weightgames.model.Architecture;
import org.weightgames.model.Network;

/**
 * What the scheme's legitimate user holds in {@code correct}: the release (the public artifact,
 * and the key an authorised user of a usage-control scheme is given), the scheme's inference code
 * and the architecture. The original is never part of it.
 */
public record UserChallenge(Release release, Scheme scheme, Architecture architecture) implements Challenge {

    @Override
    public Artifact artifact() {
        return release.artifact();
    }

    /**
     * The network an authorised user runs: the hosted model behind a {@link Hosted} scheme's API,
     * the restored network of a {@link UsageControl} scheme (restored with the user's key) or of a
     * {@link Shielded} one (the untrusted part with the trusted part's secret), else the
     * scheme's inference on the artifact. A fresh instance each call.
     */
    public Network authorisedModel() {
        if (scheme instanceof Hosted) {
            return ((Hosted) scheme).hostedModel(release);
        }
        if (scheme instanceof UsageControl || scheme instanceof Shielded) {
            return scheme.restore(release.artifact(), release.secret()).orElseThrow(() -> new WgException("scheme '"
                    + scheme.id() + "' keeps a key (usage control or a trusted part) but restores nothing from it;"
                    + " implement Scheme.restore"));
        }
        return scheme.inference(release.artifact());
    }
}
