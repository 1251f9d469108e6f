package org.ssehub.publish;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** Test only, added to the built WAR by TransactionIT: fires a publication inside a JTA transaction, then ends it. */
@RequestScoped
@Path("probe/{topic}/{outcome}")
public class TransactionProbe {

    @Inject
    Event<Publication> publications;

    @Resource
    UserTransaction transaction;

    @POST
    public String publishIn(@PathParam("topic") String topic, @PathParam("outcome") String outcome) throws Exception {
        transaction.begin();
        publications.fire(new Publication(topic, "probe", outcome));
        if (outcome.equals("commit")) {
            transaction.commit();
        } else {
            transaction.rollback();
        }
        return outcome;
    }
}
