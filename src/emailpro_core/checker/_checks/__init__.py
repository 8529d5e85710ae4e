"""One module per check of the diagnosis (MX, SPF, autodiscover SRV, ownership, DKIM, DMARC,
relay), each written once as a resolution, with what they share in :mod:`.base`.
"""
